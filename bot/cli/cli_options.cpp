// Parsing of the admin CLI's words against a verb's option list.
#include "bot/cli/cli_options.h"

#include <algorithm>
#include <charconv>

namespace groupdesk::bot::cli {

bool ParsedArgs::has(std::string_view name) const {
    return flags.contains(name) || values.find(name) != values.end();
}

const std::string* ParsedArgs::last(std::string_view name) const {
    const auto it = values.find(name);
    return it == values.end() || it->second.empty() ? nullptr : &it->second.back();
}

std::vector<std::string> ParsedArgs::all(std::string_view name) const {
    const auto it = values.find(name);
    return it == values.end() ? std::vector<std::string>{} : it->second;
}

ParseOutcome parse_options(const std::vector<std::string>& words,
                           const std::vector<OptionSpec>& specs) {
    ParseOutcome out;
    bool options_ended = false;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (options_ended || word.size() < 2 || word[0] != '-') {
            out.args.positionals.push_back(word);
            continue;
        }
        if (word == "--") {
            options_ended = true;
            continue;
        }
        if (word == "--help" || word == "-h") {
            out.args.help = true;
            continue;
        }
        const auto eq = word.find('=');
        const std::string name = word.substr(0, eq);
        const auto spec = std::find_if(specs.begin(), specs.end(),
                                       [&](const OptionSpec& s) { return s.name == name; });
        if (spec == specs.end()) {
            out.error = "unknown option " + name;
            return out;
        }
        if (!spec->takes_value) {
            if (eq != std::string::npos) {
                out.error = name + " takes no value";
                return out;
            }
            out.args.flags.insert(name);
            continue;
        }
        if (!spec->repeatable && out.args.values.contains(name)) {
            out.error = name + " is given twice";
            return out;
        }
        if (eq != std::string::npos) {
            out.args.values[name].push_back(word.substr(eq + 1));
        } else if (i + 1 < words.size()) {
            out.args.values[name].push_back(words[++i]);
        } else {
            out.error = name + " needs a value";
            return out;
        }
    }
    return out;
}

bool parse_integer(std::string_view text, long long& value) {
    if (text.empty()) return false;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return ec == std::errc() && ptr == end;
}

}  // namespace groupdesk::bot::cli
