// keyword_columns: the enum words and the JSON documents of the keyword tables (nlohmann).
#include "storage/sqlite/keyword_columns.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "common/clock.h"

namespace groupdesk::storage::sqlite::keyword_columns {

using json = nlohmann::json;
using keywords::RuleChange;

namespace {

[[noreturn]] void unreadable(std::string_view what, const std::string& word) {
    throw std::runtime_error("stored " + std::string(what) + " '" + word + "'");
}

std::string dump(const json& j) {
    try {
        return j.dump();  // strict: invalid UTF-8 throws
    } catch (const json::type_error& e) {
        throw std::invalid_argument(std::string("keyword rule text: ") + e.what());
    }
}

json news_value(const keywords::NewsArticle& n) {
    return {
        {"title", n.title}, {"description", n.description}, {"pic_url", n.pic_url}, {"url", n.url}};
}

keywords::NewsArticle news_of(const json& j) {
    return {j.at("title").get<std::string>(), j.at("description").get<std::string>(),
            j.at("pic_url").get<std::string>(), j.at("url").get<std::string>()};
}

json scope_value(const keywords::Scope& s) {
    return {{"channels", s.channels}, {"chats", s.chats}};
}

keywords::Scope scope_of(const json& j) {
    return {j.at("channels").get<std::vector<std::string>>(),
            j.at("chats").get<std::vector<std::string>>()};
}

}  // namespace

std::string match_word(keywords::MatchType type) { return std::string(to_string(type)); }
std::string kind_word(keywords::RuleKind kind) { return std::string(to_string(kind)); }
std::string op_word(RuleChange::Op op) { return std::string(to_string(op)); }

keywords::MatchType read_match(const std::string& word) {
    if (auto type = keywords::parse_match_type(word)) return *type;
    unreadable("match type", word);
}

keywords::RuleKind read_kind(const std::string& word) {
    if (auto kind = keywords::parse_rule_kind(word)) return *kind;
    unreadable("rule kind", word);
}

RuleChange::Op read_op(const std::string& word) {
    if (auto op = keywords::parse_change_op(word)) return *op;
    unreadable("rule change op", word);
}

std::string keywords_json(const std::vector<std::string>& keywords) { return dump(keywords); }

std::vector<std::string> keywords_from(const std::string& text) {
    return json::parse(text).get<std::vector<std::string>>();
}

std::string news_json(const keywords::NewsArticle& news) { return dump(news_value(news)); }

keywords::NewsArticle news_from(const std::string& text) { return news_of(json::parse(text)); }

std::string scope_json(const keywords::Scope& scope) { return dump(scope_value(scope)); }

keywords::Scope scope_from(const std::string& text) { return scope_of(json::parse(text)); }

std::string rule_json(const keywords::Rule& r) {
    json hours = nullptr;
    if (r.active_hours) {
        hours = {{"start_minute", r.active_hours->start_minute},
                 {"end_minute", r.active_hours->end_minute}};
    }
    return dump({{"id", r.id},
                 {"kind", kind_word(r.kind)},
                 {"keywords", r.keywords},
                 {"match_type", match_word(r.match_type)},
                 {"reply", r.reply},
                 {"news", r.news ? news_value(*r.news) : json(nullptr)},
                 {"priority", r.priority},
                 {"scope", scope_value(r.scope)},
                 {"enabled", r.enabled},
                 {"active_hours", hours},
                 {"origin", r.origin},
                 {"created_by", r.created_by},
                 {"created_at", to_unix_seconds(r.created_at)},
                 {"updated_by", r.updated_by},
                 {"updated_at", to_unix_seconds(r.updated_at)},
                 {"version", r.version}});
}

keywords::Rule rule_from(const std::string& text) {
    const json j = json::parse(text);
    keywords::Rule r;
    r.id = j.at("id").get<std::int64_t>();
    r.kind = read_kind(j.at("kind").get<std::string>());
    r.keywords = j.at("keywords").get<std::vector<std::string>>();
    r.match_type = read_match(j.at("match_type").get<std::string>());
    r.reply = j.at("reply").get<std::string>();
    if (!j.at("news").is_null()) r.news = news_of(j.at("news"));
    r.priority = j.at("priority").get<int>();
    r.scope = scope_of(j.at("scope"));
    r.enabled = j.at("enabled").get<bool>();
    if (const json& hours = j.at("active_hours"); !hours.is_null()) {
        r.active_hours = keywords::ActiveHours{hours.at("start_minute").get<int>(),
                                               hours.at("end_minute").get<int>()};
    }
    r.origin = j.at("origin").get<std::string>();
    r.created_by = j.at("created_by").get<std::string>();
    r.created_at = from_unix_seconds(j.at("created_at").get<std::int64_t>());
    r.updated_by = j.at("updated_by").get<std::string>();
    r.updated_at = from_unix_seconds(j.at("updated_at").get<std::int64_t>());
    r.version = j.at("version").get<int>();
    return r;
}

}  // namespace groupdesk::storage::sqlite::keyword_columns
