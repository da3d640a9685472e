// An Official Account's own auto-reply rules (the answer of get_current_autoreply_info,
// wecom-protocol.md §14.1) mapped to GroupDesk rules: switching the account to developer mode
// turns its backend's replies off, so GroupDesk takes them over. Pure: JSON text in, rules out;
// fetching the answer and storing the rules are the caller's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "keywords/rule.h"

namespace groupdesk::keywords {

// Something of the account's that was not carried over, and why.
struct NotCarried {
    std::string rule_name;  // the account's rule name; "(follow reply)" or "(default reply)"
    std::string reason;
};

struct MpImport {
    // Keyword rules in the answer's order, then the follow and the default rule; each scoped to
    // the channel and with a stable origin, so that importing again updates them.
    std::vector<Rule> rules;
    std::vector<std::string> names;  // names[i]: the account's name of what became rules[i]
    std::vector<NotCarried> skipped;
};

// Origins: "mp:<channel>:<rule name>:<contain|equal>" for a keyword rule (one GroupDesk rule
// per match mode among its keywords; the mode is always there so that a rule that gains a
// second mode keeps its first one's origin), "mp:<channel>#follow" and "mp:<channel>#default"
// (a channel name has no '#', so no rule name can collide with them).
//
// Errors: InvalidArgument (Error::field the JSON path at fault) when `answer` is not JSON of
// that shape; FailedPrecondition with Error::detail = the errcode when it is an errcode answer.
[[nodiscard]] Result<MpImport> map_mp_autoreply(std::string_view answer, std::string_view channel);

}  // namespace groupdesk::keywords
