// Rules ⇄ JSON.
#include "api/details/keyword_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/details/json_views.h"

namespace groupdesk::api::details {
namespace {

using Json = nlohmann::ordered_json;
using keywords::Problem;
using keywords::Rule;

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

std::string hhmm(int minute) {
    const std::string two = "0123456789";
    const int h = (minute / 60) % 100;
    const int m = minute % 60;
    return {two[std::size_t(h / 10)], two[std::size_t(h % 10)], ':', two[std::size_t(m / 10)],
            two[std::size_t(m % 10)]};
}

// "09:00" → 540; "24:00" → 1440. nullopt when malformed.
std::optional<int> minute_of(const std::string& text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    for (std::size_t i : {0u, 1u, 3u, 4u}) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
    }
    const int h = (text[0] - '0') * 10 + (text[1] - '0');
    const int m = (text[3] - '0') * 10 + (text[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
    return h * 60 + m;
}

Json rule_json(const Rule& r) {
    Json j = {{"id", r.id},
              {"kind", keywords::to_string(r.kind)},
              {"keywords", r.keywords},
              {"match_type", keywords::to_string(r.match_type)},
              {"reply", r.reply},
              {"news", nullptr},
              {"priority", r.priority},
              {"scope", {{"channels", r.scope.channels}, {"chats", r.scope.chats}}},
              {"enabled", r.enabled},
              {"active_hours", nullptr},
              {"origin", r.origin},
              {"created_by", r.created_by},
              {"created_at", rfc3339(r.created_at)},
              {"updated_by", r.updated_by},
              {"updated_at", rfc3339(r.updated_at)},
              {"version", r.version}};
    if (r.news) {
        j["news"] = {{"title", r.news->title},
                     {"description", r.news->description},
                     {"pic_url", r.news->pic_url},
                     {"url", r.news->url}};
    }
    if (r.active_hours) {
        j["active_hours"] = {{"start", hhmm(r.active_hours->start_minute)},
                             {"end", hhmm(r.active_hours->end_minute)}};
    }
    return j;
}

// An integer within [min, max]; nullopt otherwise. An unsigned JSON number is compared as
// such: read as int64 first, 2^64 - 1 would pass as -1.
std::optional<std::int64_t> integer_in(const Json& v, std::int64_t min, std::int64_t max) {
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(max)) return std::nullopt;
        return std::int64_t(u) >= min ? std::optional(std::int64_t(u)) : std::nullopt;
    }
    if (!v.is_number_integer()) return std::nullopt;
    const auto i = v.get<std::int64_t>();
    if (i < min || i > max) return std::nullopt;
    return i;
}

std::optional<std::vector<std::string>> strings(const Json& v) {
    if (!v.is_array()) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& item : v) {
        if (!item.is_string()) return std::nullopt;
        out.push_back(item.get<std::string>());
    }
    return out;
}

// Reads `obj` onto `rule`; problems named with `prefix` ("rules[3].").
void read_rule(const Json& obj, Rule& rule, bool& has_version, std::vector<Problem>& problems,
               const std::string& prefix = "") {
    auto fail = [&](const std::string& field, std::string reason) {
        problems.push_back(Problem{prefix + field, std::move(reason)});
    };
    if (!obj.is_object()) return fail("", "must be a JSON object");
    for (const auto& [key, v] : obj.items()) {
        if (key == "kind") {
            const auto kind =
                v.is_string() ? keywords::parse_rule_kind(v.get<std::string>()) : std::nullopt;
            if (!kind)
                fail(key, "must be keyword, follow or default");
            else
                rule.kind = *kind;
        } else if (key == "keywords") {
            auto list = strings(v);
            if (!list)
                fail(key, "must be an array of strings");
            else
                rule.keywords = std::move(*list);
        } else if (key == "match_type") {
            const auto type =
                v.is_string() ? keywords::parse_match_type(v.get<std::string>()) : std::nullopt;
            if (!type)
                fail(key, "must be exact, prefix, contains or regex");
            else
                rule.match_type = *type;
        } else if (key == "reply") {
            if (!v.is_string())
                fail(key, "must be a string");
            else
                rule.reply = v.get<std::string>();
        } else if (key == "news") {
            if (v.is_null()) {
                rule.news.reset();
            } else if (!v.is_object()) {
                fail(key, "must be an object or null");
            } else {
                keywords::NewsArticle news;
                for (const auto& [field, value] : v.items()) {
                    std::string* target = field == "title"         ? &news.title
                                          : field == "description" ? &news.description
                                          : field == "pic_url"     ? &news.pic_url
                                          : field == "url"         ? &news.url
                                                                   : nullptr;
                    if (target == nullptr)
                        fail(key + "." + field, "is not a field of news");
                    else if (!value.is_string())
                        fail(key + "." + field, "must be a string");
                    else
                        *target = value.get<std::string>();
                }
                rule.news = std::move(news);
            }
        } else if (key == "priority") {
            if (const auto priority = integer_in(v, -1000000, 1000000)) {
                rule.priority = int(*priority);
            } else {
                fail(key, "must be an integer");
            }
        } else if (key == "scope") {
            if (!v.is_object()) {
                fail(key, "must be an object with channels and chats");
                continue;
            }
            rule.scope = {};
            for (const auto& [field, value] : v.items()) {
                auto list = strings(value);
                if (field != "channels" && field != "chats") {
                    fail(key + "." + field, "is not a field of scope");
                } else if (!list) {
                    fail(key + "." + field, "must be an array of strings");
                } else {
                    (field == "channels" ? rule.scope.channels : rule.scope.chats) = *list;
                }
            }
        } else if (key == "enabled") {
            if (!v.is_boolean())
                fail(key, "must be true or false");
            else
                rule.enabled = v.get<bool>();
        } else if (key == "active_hours") {
            if (v.is_null()) {
                rule.active_hours.reset();
                continue;
            }
            const bool shaped = v.is_object() && v.size() == 2 && v.contains("start") &&
                                v.contains("end") && v["start"].is_string() && v["end"].is_string();
            const auto start = shaped ? minute_of(v["start"].get<std::string>()) : std::nullopt;
            const auto end = shaped ? minute_of(v["end"].get<std::string>()) : std::nullopt;
            if (!start || !end || *start == 1440) {
                fail(key, "must be null or {\"start\": \"HH:MM\", \"end\": \"HH:MM\"}");
            } else {
                rule.active_hours = keywords::ActiveHours{*start, *end};
            }
        } else if (key == "origin") {
            if (!v.is_string())
                fail(key, "must be a string");
            else
                rule.origin = v.get<std::string>();
        } else if (key == "version") {
            if (const auto version = integer_in(v, 1, 1000000000)) {
                rule.version = int(*version);
                has_version = true;
            } else {
                fail(key, "must be a positive integer");
            }
        } else if (key == "id" || key == "created_by" || key == "created_at" ||
                   key == "updated_by" || key == "updated_at") {
            // The server's; an export carries them and imports as it is.
        } else {
            fail(key, "is not a field of a keyword rule");
        }
    }
}

Result<Json> parse_object(std::string_view body) {
    Json j = Json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return field_error("", "the body must be a JSON object");
    }
    return j;
}

}  // namespace

std::string rule_body(const Rule& rule) { return dump(rule_json(rule)); }

std::string rules_body(const std::vector<Rule>& rules) {
    Json list = Json::array();
    for (const auto& r : rules) list.push_back(rule_json(r));
    return dump(Json{{"rules", std::move(list)}});
}

std::string history_body(const std::vector<keywords::RuleVersion>& versions) {
    Json list = Json::array();
    for (const auto& v : versions) {
        list.push_back({{"version", v.version},
                        {"op", keywords::to_string(v.op)},
                        {"actor", v.actor},
                        {"at", rfc3339(v.at)},
                        {"before", v.before ? rule_json(*v.before) : Json(nullptr)},
                        {"after", v.after ? rule_json(*v.after) : Json(nullptr)}});
    }
    return dump(Json{{"versions", std::move(list)}});
}

std::string test_body(const keywords::TestResult& result) {
    Json candidates = Json::array();
    for (const auto& c : result.candidates) {
        candidates.push_back(
            {{"id", c.rule->id},
             {"match_type", keywords::to_string(c.rule->match_type)},
             {"priority", c.rule->priority},
             {"answers", c.why == keywords::NotChosen::None},
             {"why_not", c.why == keywords::NotChosen::None ? Json(nullptr)
                                                            : Json(keywords::to_string(c.why))}});
    }
    Json j = {{"normalized", result.normalized},
              {"answer", result.answer ? rule_json(*result.answer) : Json(nullptr)},
              {"by_default", result.by_default},
              {"candidates", std::move(candidates)}};
    if (result.answer == nullptr) {
        j["why_none"] = result.candidates.empty()
                            ? "no rule's keywords match the text, and there is no default reply"
                            : "every rule whose keywords match is out of scope, disabled or "
                              "outside its active hours, and there is no default reply";
    }
    return dump(j);
}

std::string problems_body(const std::vector<IndexedProblem>& problems) {
    Json list = Json::array();
    for (const auto& p : problems) {
        Json item = {{"field", p.problem.field}, {"reason", p.problem.reason}};
        if (p.index)
            item =
                Json{{"index", *p.index}, {"field", p.problem.field}, {"reason", p.problem.reason}};
        list.push_back(std::move(item));
    }
    const std::string first =
        problems.empty() ? "invalid"
                         : problems.front().problem.field + " " + problems.front().problem.reason;
    return dump(
        Json{{"error",
              {{"code", "invalid_argument"}, {"message", first}, {"problems", std::move(list)}}}});
}

ParsedRule parse_rule(std::string_view body, Rule base) {
    ParsedRule parsed{std::move(base), {}, false};
    auto json = parse_object(body);
    if (!json.ok()) {
        parsed.problems.push_back(Problem{"", "the body must be a JSON object"});
        return parsed;
    }
    read_rule(*json, parsed.rule, parsed.has_version, parsed.problems);
    return parsed;
}

ParsedRules parse_rules(std::string_view body) {
    ParsedRules parsed;
    auto json = parse_object(body);
    if (!json.ok() || !json->contains("rules") || !(*json)["rules"].is_array()) {
        parsed.problems.push_back({std::nullopt, Problem{"rules", "must be an array of rules"}});
        return parsed;
    }
    const Json& rows = (*json)["rules"];
    for (std::size_t i = 0; i < rows.size(); ++i) {
        Rule rule;
        bool has_version = false;
        std::vector<Problem> problems;
        read_rule(rows[i], rule, has_version, problems);
        rule.version = 0;
        for (auto& p : problems) parsed.problems.push_back({i, std::move(p)});
        parsed.rules.push_back(std::move(rule));
    }
    return parsed;
}

Result<TestRequest> parse_test(std::string_view body) {
    auto json = parse_object(body);
    if (!json.ok()) return std::move(json).error();
    TestRequest request;
    for (const auto& [key, v] : json->items()) {
        std::string* target = key == "text"      ? &request.text
                              : key == "channel" ? &request.channel
                              : key == "chat"    ? &request.chat
                                                 : nullptr;
        if (target == nullptr) return field_error(key, key + " is not a field of a test");
        if (!v.is_string()) return field_error(key, key + " must be a string");
        *target = v.get<std::string>();
    }
    if (request.text.empty()) return field_error("text", "text must not be empty");
    return request;
}

Result<int> parse_restore(std::string_view body) {
    auto json = parse_object(body);
    if (!json.ok()) return std::move(json).error();
    if (json->size() != 1 || !json->contains("version") ||
        !(*json)["version"].is_number_integer() || (*json)["version"].get<std::int64_t>() < 1 ||
        (*json)["version"].get<std::int64_t>() > 1000000000) {
        return field_error("version", "version must be the positive version to restore");
    }
    return int((*json)["version"].get<std::int64_t>());
}

Result<ImportMpRequest> parse_import_mp(std::string_view body) {
    auto json = parse_object(body);
    if (!json.ok()) return std::move(json).error();
    ImportMpRequest request;
    bool has_channel = false;
    for (const auto& [key, v] : json->items()) {
        if (key == "channel") {
            if (!v.is_string()) return field_error("channel", "channel must be a string");
            request.channel = v.get<std::string>();
            has_channel = true;
        } else if (key == "answer") {
            if (!v.is_object()) {
                return field_error("answer",
                                   "answer must be the JSON object get_current_autoreply_info "
                                   "answered");
            }
            request.answer = dump(v);
        } else {
            return field_error(key, key + " is not a field of an Official Account import");
        }
    }
    if (!has_channel || request.channel.empty()) {
        return field_error("channel", "channel must name the Official Account's channel");
    }
    return request;
}

std::string import_body(const std::vector<Rule>& imported,
                        const std::vector<keywords::NotCarried>* skipped) {
    const auto created = std::size_t(std::count_if(imported.begin(), imported.end(),
                                                   [](const Rule& r) { return r.version == 1; }));
    Json body = {{"imported", imported.size()},
                 {"created", created},
                 {"updated", imported.size() - created}};
    if (skipped != nullptr) {
        Json list = Json::array();
        for (const auto& s : *skipped) {
            list.push_back({{"rule_name", s.rule_name}, {"reason", s.reason}});
        }
        body["skipped"] = std::move(list);
    }
    return dump(body);
}

}  // namespace groupdesk::api::details
