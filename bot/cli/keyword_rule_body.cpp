// Rule options → KeywordRuleInput. Only the shape is checked here (an enum value, a number, the
// hours' form); what needs the rules or the config (a bad regex, an unknown channel) the server
// checks and names.
#include "bot/cli/keyword_rule_body.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <string_view>

namespace groupdesk::bot::cli {
namespace {

using Json = nlohmann::json;

constexpr std::array<std::string_view, 4> kMatchTypes = {"exact", "prefix", "contains", "regex"};
constexpr std::array<std::string_view, 3> kKinds = {"keyword", "follow", "default"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& allowed, const std::string& value) {
    return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// "H:MM" or "HH:MM"; the server checks the ranges.
bool clock_time(std::string_view t) {
    const auto colon = t.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2 || t.size() != colon + 3) {
        return false;
    }
    return std::all_of(t.begin(), t.end(),
                       [](char c) { return c == ':' || (c >= '0' && c <= '9'); });
}

}  // namespace

std::vector<OptionSpec> rule_options(RuleEdit edit, std::vector<OptionSpec> common) {
    std::vector<OptionSpec> options = {
        {"--keyword", true, true}, {"--reply", true},         {"--match", true},
        {"--priority", true},      {"--channel", true, true}, {"--chat", true, true},
        {"--hours", true},         {"--kind", true},          {"--disabled", false},
    };
    if (edit == RuleEdit::Update) {
        options.push_back({"--enable", false});
        options.push_back({"--no-hours", false});
        options.push_back({"--everywhere", false});
    }
    options.insert(options.end(), common.begin(), common.end());
    return options;
}

std::optional<std::string> rule_body(const ParsedArgs& args, RuleEdit edit, std::string& problem) {
    Json body = Json::object();
    const auto fail = [&](std::string why) -> std::optional<std::string> {
        problem = std::move(why);
        return std::nullopt;
    };
    if (const auto* kind = args.last("--kind")) {
        if (!one_of(kKinds, *kind)) return fail("--kind must be keyword, follow or default");
        body["kind"] = *kind;
    }
    if (args.has("--keyword")) body["keywords"] = args.all("--keyword");
    if (const auto* match = args.last("--match")) {
        if (!one_of(kMatchTypes, *match)) {
            return fail("--match must be exact, prefix, contains or regex");
        }
        body["match_type"] = *match;
    }
    if (const auto* reply = args.last("--reply")) body["reply"] = *reply;
    if (const auto* priority = args.last("--priority")) {
        long long value = 0;
        if (!parse_integer(*priority, value)) return fail("--priority must be a whole number");
        body["priority"] = value;
    }
    if (args.has("--everywhere") && (args.has("--channel") || args.has("--chat"))) {
        return fail("--everywhere cannot go with --channel or --chat");
    }
    if (args.has("--everywhere")) {
        body["scope"] = {{"channels", Json::array()}, {"chats", Json::array()}};
    }
    if (args.has("--channel")) body["scope"]["channels"] = args.all("--channel");
    if (args.has("--chat")) body["scope"]["chats"] = args.all("--chat");
    if (args.has("--hours") && args.has("--no-hours")) {
        return fail("--hours cannot go with --no-hours");
    }
    if (const auto* hours = args.last("--hours")) {
        const auto dash = hours->find('-');
        const std::string start = hours->substr(0, dash);
        const std::string end = dash == std::string::npos ? "" : hours->substr(dash + 1);
        if (!clock_time(start) || !clock_time(end)) {
            return fail("--hours must look like 09:00-21:00");
        }
        body["active_hours"] = {{"start", start}, {"end", end}};
    }
    if (args.has("--no-hours")) body["active_hours"] = nullptr;
    if (args.has("--enable") && args.has("--disabled")) {
        return fail("--enable cannot go with --disabled");
    }
    if (args.has("--enable")) body["enabled"] = true;
    if (args.has("--disabled")) body["enabled"] = false;

    if (edit == RuleEdit::Create) {
        const std::string kind = body.value("kind", std::string("keyword"));
        if (kind == "keyword" && !args.has("--keyword")) return fail("--keyword K is required");
        if (!args.has("--reply")) return fail("--reply TEXT is required");
    } else if (body.empty()) {
        return fail("nothing to change: give at least one option");
    }
    return body.dump();
}

}  // namespace groupdesk::bot::cli
