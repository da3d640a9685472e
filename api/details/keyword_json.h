// Keyword rules as JSON, both ways: a rule, its history and a test result written out; a rule
// read from a request body (whole for a create or an import, as a patch for a change), with every
// problem named by its field. The JSON library stays in keyword_json.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "keywords/keyword_service.h"
#include "keywords/mp_import.h"

namespace groupdesk::api::details {

std::string rule_body(const keywords::Rule& rule);
// {"rules": [...]}
std::string rules_body(const std::vector<keywords::Rule>& rules);
// {"versions": [{"version", "op", "actor", "at", "before", "after"}]}
std::string history_body(const std::vector<keywords::RuleVersion>& versions);
std::string test_body(const keywords::TestResult& result);
// {"error": {"code": "invalid_argument", "message", "problems": [{"index"?, "field", "reason"}]}}
struct IndexedProblem {
    std::optional<std::size_t> index;  // the row of an import
    keywords::Problem problem;
};
std::string problems_body(const std::vector<IndexedProblem>& problems);

// A rule from a JSON object: every field it has replaces the one of `base` (a new rule's
// defaults for a create or an import row; the stored rule for a patch). A field that is not a
// rule's, or has the wrong type, is a problem. What the server keeps (id, created_*,
// updated_*) is ignored, so that an export imports as it is; "version", when given, is the
// version the client read and is checked.
struct ParsedRule {
    keywords::Rule rule;
    std::vector<keywords::Problem> problems;
    bool has_version = false;
};
ParsedRule parse_rule(std::string_view body, keywords::Rule base);
// {"rules": [rule, …]} (an export's form): each row parsed onto a new rule.
struct ParsedRules {
    std::vector<keywords::Rule> rules;
    std::vector<IndexedProblem> problems;
};
ParsedRules parse_rules(std::string_view body);
// {"text", "channel", "chat"}
struct TestRequest {
    std::string text;
    std::string channel;
    std::string chat;
};
Result<TestRequest> parse_test(std::string_view body);
// {"version": n}
Result<int> parse_restore(std::string_view body);
// {"channel": NAME, "answer"?: {…}}: an Official Account import; `answer` (a saved answer of
// get_current_autoreply_info, as JSON text) absent means "ask the platform".
struct ImportMpRequest {
    std::string channel;
    std::optional<std::string> answer;
};
Result<ImportMpRequest> parse_import_mp(std::string_view body);
// What an import did, from the rules as stored: {"imported", "created", "updated"} (a rule at
// version 1 was created by it, a later version updated), and with `skipped` also "skipped":
// [{"rule_name", "reason"}].
std::string import_body(const std::vector<keywords::Rule>& imported,
                        const std::vector<keywords::NotCarried>* skipped = nullptr);

}  // namespace groupdesk::api::details
