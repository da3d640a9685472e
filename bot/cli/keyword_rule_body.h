// The rule options of `keywords add` and `keywords update`, turned into a KeywordRuleInput body
// (docs/openapi.yaml). An update sends only the fields given, so the others stay as they are.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bot/cli/cli_options.h"

namespace groupdesk::bot::cli {

enum class RuleEdit { Create, Update };

// The options of the verb: the rule's, then `common`.
[[nodiscard]] std::vector<OptionSpec> rule_options(RuleEdit edit, std::vector<OptionSpec> common);

// The JSON body, or nullopt with `problem` saying what is wrong with the options.
[[nodiscard]] std::optional<std::string> rule_body(const ParsedArgs& args, RuleEdit edit,
                                                   std::string& problem);

}  // namespace groupdesk::bot::cli
