// The admin CLI's command line: each verb declares the options it takes, and any other word is a
// usage error that names it.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace groupdesk::bot::cli {

struct OptionSpec {
    std::string_view name;  // with its dashes: "--keyword"
    bool takes_value = false;
    bool repeatable = false;  // otherwise a second one is a usage error, not a silent override
};

struct ParsedArgs {
    std::vector<std::string> positionals;
    std::map<std::string, std::vector<std::string>, std::less<>> values;  // each repeat kept
    std::set<std::string, std::less<>> flags;
    bool help = false;  // --help or -h anywhere

    [[nodiscard]] bool has(std::string_view name) const;
    // The last value of a value option, or null when not given.
    [[nodiscard]] const std::string* last(std::string_view name) const;
    [[nodiscard]] std::vector<std::string> all(std::string_view name) const;
};

struct ParseOutcome {
    ParsedArgs args;
    std::string error;  // empty when the words parsed
};

// Takes `--name value` and `--name=value`; `--` ends the options, so a text may start with '-'.
[[nodiscard]] ParseOutcome parse_options(const std::vector<std::string>& words,
                                         const std::vector<OptionSpec>& specs);

// Whole decimal numbers only ("12", "-3"); no sign-less overflow, no trailing words.
[[nodiscard]] bool parse_integer(std::string_view text, long long& value);

}  // namespace groupdesk::bot::cli
