// KeywordIndex: the compiled, immutable form of all rules — one Aho–Corasick automaton over every
// literal keyword and one RE2::Set over the regex rules — answering "which rule answers this
// message" in time linear in the message, whatever the number of rules. An edit builds a new
// index and swaps it in whole; a built index is never changed, so matching needs no lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "keywords/rule.h"

namespace groupdesk::keywords {

// Where and when a message arrived.
struct MatchContext {
    std::string_view channel;
    std::string_view chat;  // group chat id, or the sender's id in a single chat
    int minute_of_day = 0;  // local time, in the configured zone
};

// Why a rule whose keywords match does not answer.
enum class NotChosen {
    None,           // it answers
    LowerPriority,  // another rule comes first (priority, then match type, then id)
    OutOfScope,
    Disabled,
    OutsideHours,
};
std::string_view to_string(NotChosen why) noexcept;

struct Candidate {
    const Rule* rule = nullptr;
    NotChosen why = NotChosen::None;
};

class KeywordIndex {
public:
    // Compiles `rules` (every kind; keywords and regexes normalised as messages are).
    // InvalidArgument naming the rule id and the regex's error when a pattern does not compile.
    [[nodiscard]] static Result<std::shared_ptr<const KeywordIndex>> build(std::vector<Rule> rules);
    ~KeywordIndex();
    KeywordIndex(const KeywordIndex&) = delete;
    KeywordIndex& operator=(const KeywordIndex&) = delete;

    // The keyword rule that answers `normalized` (see normalize.h) here and now, or null.
    // Precedence: higher priority, then exact > prefix > contains > regex, then lower id; only
    // enabled rules in scope and within their active hours answer.
    const Rule* match(std::string_view normalized, const MatchContext& where) const;
    // Every keyword rule whose keywords match, in precedence order, each with why it does or does
    // not answer: what an admin sees when testing a text.
    std::vector<Candidate> explain(std::string_view normalized, const MatchContext& where) const;
    // The enabled follow / default rule for `where`, if any (the most specific scope first, then
    // priority, then id).
    const Rule* special(RuleKind kind, const MatchContext& where) const;

    const std::vector<Rule>& rules() const;  // in id order
    const Rule* find(std::int64_t id) const;

private:
    struct Impl;
    explicit KeywordIndex(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace groupdesk::keywords
