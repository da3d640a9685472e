// get_current_autoreply_info's answer → GroupDesk rules, and what could not come along.
#include "keywords/mp_import.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>
#include <variant>

namespace groupdesk::keywords {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kFollowName = "(follow reply)";
constexpr std::string_view kDefaultName = "(default reply)";

// The answer's shape was checked field by field; the first field that is wrong is thrown as
// this and becomes the InvalidArgument naming it.
struct ShapeError {
    std::string field;
    std::string reason;
};

const Json* member(const Json& object, const char* name) {
    const auto it = object.find(name);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::string optional_string(const Json& object, const char* name, const std::string& path) {
    const Json* value = member(object, name);
    if (value == nullptr) return {};
    if (!value->is_string()) throw ShapeError{path + name, "must be a string"};
    return value->get<std::string>();
}

std::string required_string(const Json& object, const char* name, const std::string& path) {
    if (member(object, name) == nullptr) throw ShapeError{path + name, "is missing"};
    return optional_string(object, name, path);
}

// 0/1 as the API sends it; WxJava reads booleans too, so a saved answer may have them.
bool switched_on(const Json& object, const char* name) {
    const Json* value = member(object, name);
    if (value == nullptr) return false;
    if (value->is_boolean()) return value->get<bool>();
    if (value->is_number_integer()) return value->get<long long>() != 0;
    throw ShapeError{name, "must be 0 or 1"};
}

const Json* optional_object(const Json& object, const char* name, const std::string& path) {
    const Json* value = member(object, name);
    if (value != nullptr && !value->is_object()) throw ShapeError{path + name, "must be an object"};
    return value;
}

const Json& array_of_objects(const Json& object, const char* name, const std::string& path,
                             bool required) {
    static const Json kEmpty = Json::array();
    const Json* value = member(object, name);
    if (value == nullptr) {
        if (required) throw ShapeError{path + name, "is missing"};
        return kEmpty;
    }
    if (!value->is_array()) throw ShapeError{path + name, "must be an array"};
    for (std::size_t i = 0; i < value->size(); ++i) {
        if (!(*value)[i].is_object()) {
            throw ShapeError{path + name + "[" + std::to_string(i) + "]", "must be an object"};
        }
    }
    return *value;
}

bool is_media(std::string_view type) {
    return type == "img" || type == "image" || type == "voice" || type == "video";
}

std::string media_reason(std::string_view type) {
    return "a " + std::string(type) +
           " reply is temporary media that expires after 3 days; GroupDesk cannot keep it";
}

// The follow or the default reply: text only (the account's backend offers text and media).
void map_special(const Json& answer, const char* switch_name, const char* info_name, RuleKind kind,
                 std::string_view channel, MpImport& out) {
    const std::string_view name = kind == RuleKind::Follow ? kFollowName : kDefaultName;
    const Json* info = optional_object(answer, info_name, "");
    const bool on = switched_on(answer, switch_name);
    if (info == nullptr) return;
    const std::string path = std::string(info_name) + ".";
    const std::string type = required_string(*info, "type", path);
    const std::string content = optional_string(*info, "content", path);
    if (!on) {
        out.skipped.push_back({std::string(name), "switched off in the Official Account"});
        return;
    }
    if (type != "text") {
        out.skipped.push_back(
            {std::string(name),
             is_media(type) ? media_reason(type) : "reply type \"" + type + "\" is not supported"});
        return;
    }
    if (content.empty()) {
        out.skipped.push_back({std::string(name), "the reply text is empty"});
        return;
    }
    Rule rule;
    rule.kind = kind;
    rule.reply = content;
    rule.scope.channels = {std::string(channel)};
    rule.origin =
        "mp:" + std::string(channel) + (kind == RuleKind::Follow ? "#follow" : "#default");
    out.rules.push_back(std::move(rule));
    out.names.emplace_back(name);
}

// A reply GroupDesk can send: text, or the first article of a news reply.
struct Reply {
    std::string text;
    std::optional<NewsArticle> news;
};

// What GroupDesk can send for `reply`, or why it cannot be carried over; `note` says what of
// it is left behind.
std::variant<Reply, std::string> map_reply(const Json& reply, const std::string& path,
                                           std::string& note) {
    const std::string type = required_string(reply, "type", path);
    if (type == "text") {
        std::string content = optional_string(reply, "content", path);
        if (content.empty()) return std::string("the text is empty");
        return Reply{std::move(content), std::nullopt};
    }
    if (type == "news") {
        const Json* info = optional_object(reply, "news_info", path);
        const Json& articles = info == nullptr
                                   ? Json::array()
                                   : array_of_objects(*info, "list", path + "news_info.", false);
        if (articles.empty()) return std::string("the news reply has no article");
        const std::string at = path + "news_info.list[0].";
        NewsArticle article{optional_string(articles[0], "title", at),
                            optional_string(articles[0], "digest", at),
                            optional_string(articles[0], "cover_url", at),
                            optional_string(articles[0], "content_url", at)};
        if (article.title.empty()) return std::string("the news article has no title");
        if (articles.size() > 1) {
            // §5: the answer to a user's text carries one article.
            note = "only the first of its " + std::to_string(articles.size()) +
                   " articles is carried over (a reply to a message carries one article)";
        }
        return Reply{std::string(), std::move(article)};
    }
    if (is_media(type)) return media_reason(type);
    return "reply type \"" + type + "\" is not supported";
}

void map_keyword_rule(const Json& item, const std::string& path, std::string_view channel,
                      std::set<std::string>& origins, MpImport& out) {
    const std::string name = required_string(item, "rule_name", path);
    const std::string mode = optional_string(item, "reply_mode", path);
    const Json& keywords = array_of_objects(item, "keyword_list_info", path, true);
    const Json& replies = array_of_objects(item, "reply_list_info", path, true);

    // Keywords grouped by match mode, in the order the modes first appear.
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (std::size_t i = 0; i < keywords.size(); ++i) {
        const std::string at = path + "keyword_list_info[" + std::to_string(i) + "].";
        const std::string match = required_string(keywords[i], "match_mode", at);
        const std::string content = required_string(keywords[i], "content", at);
        if (match != "contain" && match != "equal") {
            out.skipped.push_back({name, "keyword \"" + content + "\": match mode \"" + match +
                                             "\" is not supported"});
            continue;
        }
        auto group = std::find_if(groups.begin(), groups.end(),
                                  [&](const auto& g) { return g.first == match; });
        if (group == groups.end()) {
            group = groups.emplace(groups.end(), match, std::vector<std::string>{});
        }
        if (std::find(group->second.begin(), group->second.end(), content) == group->second.end()) {
            group->second.push_back(content);
        }
    }

    std::optional<Reply> chosen;
    std::vector<std::string> reasons;  // why each reply before the chosen one is unusable
    for (std::size_t i = 0; i < replies.size(); ++i) {
        const std::string at = path + "reply_list_info[" + std::to_string(i) + "].";
        std::string note;
        auto mapped = map_reply(replies[i], at, note);
        const std::string label =
            "reply " + std::to_string(i + 1) + " (" + required_string(replies[i], "type", at) + ")";
        if (chosen) {
            // Only one reply can answer: a passive reply carries one message (§5, §14.1).
            out.skipped.push_back(
                {name, label + " not carried: " +
                           (mode == "random_one"
                                ? std::string("GroupDesk answers with one fixed reply, not one "
                                              "chosen at random")
                                : std::string("a passive reply carries one message"))});
            continue;
        }
        if (auto* reason = std::get_if<std::string>(&mapped)) {
            reasons.push_back(label + ": " + *reason);
            continue;
        }
        chosen = std::get<Reply>(std::move(mapped));
        for (auto& r : reasons) out.skipped.push_back({name, r + " (not carried)"});
        reasons.clear();
        if (!note.empty()) out.skipped.push_back({name, label + ": " + note});
    }
    if (!chosen) {
        std::string why = replies.empty() ? "it has no reply" : "no reply GroupDesk can send";
        for (const auto& r : reasons) why += "; " + r;
        out.skipped.push_back({name, std::move(why)});
        return;
    }
    if (groups.empty()) {
        out.skipped.push_back({name, "it has no keyword GroupDesk can match"});
        return;
    }
    for (auto& [match, words] : groups) {
        Rule rule;
        rule.kind = RuleKind::Keyword;
        rule.keywords = std::move(words);
        rule.match_type = match == "equal" ? MatchType::Exact : MatchType::Contains;
        rule.reply = chosen->text;
        rule.news = chosen->news;
        rule.scope.channels = {std::string(channel)};
        // Two rules of one name in the account would share an origin: the later ones get a
        // counter (stable while the account's order is).
        const std::string base = "mp:" + std::string(channel) + ":" + name + ":" + match;
        std::string origin = base;
        for (int n = 2; origins.contains(origin); ++n) origin = base + "#" + std::to_string(n);
        origins.insert(origin);
        rule.origin = std::move(origin);
        out.rules.push_back(std::move(rule));
        out.names.push_back(name);
    }
}

}  // namespace

Result<MpImport> map_mp_autoreply(std::string_view answer, std::string_view channel) {
    const Json json = Json::parse(answer, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        return with_public_reason(
            make_error(ErrorCode::InvalidArgument, "the answer is not a JSON object"),
            "the answer is not a JSON object");
    }
    if (const Json* errcode = member(json, "errcode")) {
        if (!errcode->is_number_integer()) return field_error("errcode", "must be an integer");
        if (const auto code = errcode->get<long long>(); code != 0) {
            const Json* errmsg = member(json, "errmsg");
            const std::string text =
                "errcode " + std::to_string(code) + ": " +
                (errmsg != nullptr && errmsg->is_string() ? errmsg->get<std::string>()
                                                          : std::string());
            return with_public_reason(
                make_error(ErrorCode::FailedPrecondition, text, static_cast<int>(code)), text);
        }
    }
    try {
        MpImport out;
        std::set<std::string> origins;
        const Json* info = optional_object(json, "keyword_autoreply_info", "");
        if (info != nullptr) {
            const Json& list = array_of_objects(*info, "list", "keyword_autoreply_info.", false);
            for (std::size_t i = 0; i < list.size(); ++i) {
                map_keyword_rule(list[i], "keyword_autoreply_info.list[" + std::to_string(i) + "].",
                                 channel, origins, out);
            }
        }
        map_special(json, "is_add_friend_reply_open", "add_friend_autoreply_info", RuleKind::Follow,
                    channel, out);
        map_special(json, "is_autoreply_open", "message_default_autoreply_info", RuleKind::Default,
                    channel, out);
        return out;
    } catch (const ShapeError& e) {
        return field_error(e.field, e.reason);
    }
}

}  // namespace groupdesk::keywords
