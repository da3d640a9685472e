// DedupHandler: the dedup key, the stored form of an answer, and the claim that keeps a copy
// arriving mid-flight from running the handlers a second time.
#include "handlers/dedup.h"

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <type_traits>
#include <utility>
#include <variant>

#include "common/once_guard.h"

namespace groupdesk::handlers {

namespace {

using nlohmann::json;

// The stored form carries a version so that a later format can still read old records. Each
// record is written with the lowest version that can express it: text, news and "none" stay at 1,
// byte for byte as before (so an older build still reads them); the template cards need 2. Both
// are read.
constexpr int kPlainAnswerVersion = 1;
constexpr int kCardAnswerVersion = 2;

json article_to_json(const wecom::NewsArticle& a) {
    return json{
        {"title", a.title}, {"description", a.description}, {"pic_url", a.pic_url}, {"url", a.url}};
}

std::optional<std::string> string_field(const json& object, const char* name) {
    auto it = object.find(name);
    if (it == object.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

json card_to_json(const wecom::TemplateCard& card) {
    json fields = json::array();
    for (const auto& f : card.horizontal_content_list) {
        fields.push_back(json{{"keyname", f.keyname}, {"value", f.value}});
    }
    json buttons = json::array();
    for (const auto& b : card.button_list) {
        buttons.push_back(json{{"text", b.text}, {"style", b.style}, {"key", b.key}});
    }
    json out{{"task_id", card.task_id},      {"title", card.main_title.title},
             {"desc", card.main_title.desc}, {"sub_title_text", card.sub_title_text},
             {"fields", std::move(fields)},  {"buttons", std::move(buttons)}};
    if (const auto& a = card.card_action) {
        out["card_action"] = json{
            {"type", a->type}, {"url", a->url}, {"appid", a->appid}, {"pagepath", a->pagepath}};
    }
    return out;
}

std::optional<int> int_field(const json& object, const char* name) {
    auto it = object.find(name);
    if (it == object.end() || !it->is_number_integer()) return std::nullopt;
    // Read wide first: get<int> would wrap a large number onto a valid one.
    const auto value = it->get<std::int64_t>();
    if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
        return std::nullopt;
    }
    return static_cast<int>(value);
}

// Every member is required (an optional one only when absent), so a damaged record is refused
// rather than replayed as a different card.
std::optional<wecom::TemplateCard> card_from_json(const json& doc) {
    if (!doc.is_object()) return std::nullopt;
    wecom::TemplateCard card;
    auto task_id = string_field(doc, "task_id");
    auto title = string_field(doc, "title");
    auto desc = string_field(doc, "desc");
    auto sub_title = string_field(doc, "sub_title_text");
    auto fields = doc.find("fields");
    auto buttons = doc.find("buttons");
    if (!task_id || !title || !desc || !sub_title || fields == doc.end() || !fields->is_array() ||
        buttons == doc.end() || !buttons->is_array()) {
        return std::nullopt;
    }
    card.task_id = std::move(*task_id);
    card.main_title = {std::move(*title), std::move(*desc)};
    card.sub_title_text = std::move(*sub_title);
    for (const auto& item : *fields) {
        if (!item.is_object()) return std::nullopt;
        auto keyname = string_field(item, "keyname");
        auto value = string_field(item, "value");
        if (!keyname || !value) return std::nullopt;
        card.horizontal_content_list.push_back({std::move(*keyname), std::move(*value)});
    }
    for (const auto& item : *buttons) {
        if (!item.is_object()) return std::nullopt;
        auto text = string_field(item, "text");
        auto style = int_field(item, "style");
        auto key = string_field(item, "key");
        if (!text || !style || !key) return std::nullopt;
        card.button_list.push_back({std::move(*text), *style, std::move(*key)});
    }
    if (auto action = doc.find("card_action"); action != doc.end()) {
        if (!action->is_object()) return std::nullopt;
        auto type = int_field(*action, "type");
        auto url = string_field(*action, "url");
        auto appid = string_field(*action, "appid");
        auto pagepath = string_field(*action, "pagepath");
        if (!type || !url || !appid || !pagepath) return std::nullopt;
        card.card_action =
            wecom::CardAction{*type, std::move(*url), std::move(*appid), std::move(*pagepath)};
    }
    return card;
}

std::optional<Outcome> parse_card_answer(const json& doc, const std::string& kind) {
    auto card_doc = doc.find("card");
    if (card_doc == doc.end()) return std::nullopt;
    auto card = card_from_json(*card_doc);
    if (!card) return std::nullopt;
    if (kind == "card") return Outcome::reply(wecom::TemplateCardReply{std::move(*card)});
    auto userids = doc.find("userids");
    if (userids == doc.end() || !userids->is_array()) return std::nullopt;
    wecom::CardUpdateReply update{std::move(*card), {}};
    for (const auto& id : *userids) {
        if (!id.is_string()) return std::nullopt;
        update.userids.push_back(id.get<std::string>());
    }
    return Outcome::reply(std::move(update));
}

std::optional<Outcome> parse_json_answer(const json& doc) {
    if (!doc.is_object()) return std::nullopt;
    auto version = int_field(doc, "v");
    if (!version || *version < kPlainAnswerVersion || *version > kCardAnswerVersion) {
        return std::nullopt;
    }
    auto kind = string_field(doc, "kind");
    if (!kind) return std::nullopt;
    if (*kind == "card" || *kind == "card_update") {
        if (*version < kCardAnswerVersion) return std::nullopt;
        return parse_card_answer(doc, *kind);
    }
    if (*kind == "none") return Outcome::stop("duplicate");
    if (*kind == "text") {
        auto content = string_field(doc, "content");
        if (!content) return std::nullopt;
        return Outcome::reply(wecom::TextReply{std::move(*content)});
    }
    if (*kind == "news") {
        auto articles = doc.find("articles");
        if (articles == doc.end() || !articles->is_array()) return std::nullopt;
        wecom::NewsReply news;
        for (const auto& item : *articles) {
            if (!item.is_object()) return std::nullopt;
            auto title = string_field(item, "title");
            auto description = string_field(item, "description");
            auto pic_url = string_field(item, "pic_url");
            auto url = string_field(item, "url");
            if (!title || !description || !pic_url || !url) return std::nullopt;
            news.articles.push_back(wecom::NewsArticle{std::move(*title), std::move(*description),
                                                       std::move(*pic_url), std::move(*url)});
        }
        return Outcome::reply(std::move(news));
    }
    return std::nullopt;
}

}  // namespace

void append_key_field(std::string& key, std::string_view field) {
    key += std::to_string(field.size());
    key += ':';
    key += field;
}

std::string dedup_key(std::string_view channel, const wecom::InboundMessage& msg) {
    std::string key;
    append_key_field(key, channel);
    if (!msg.msg_id.empty()) {
        key += 'm';
        append_key_field(key, msg.msg_id);
        return key;
    }
    // No MsgId: XML events. The platform's recipe is FromUserName + CreateTime, which takes two
    // menu clicks in one second for one event and loses the second; so the key also holds
    // everything else that tells two events apart: Event, EventKey, ChangeType and every other
    // field (a retry repeats them all). 'E' marks this recipe: keys of the older, coarser one
    // ('e') never match it.
    const auto* event = std::get_if<wecom::EventBody>(&msg.body);
    if (event == nullptr) {
        key += 't';
        append_key_field(key, msg.sender);
        append_key_field(key, std::to_string(msg.create_time));
        append_key_field(key, msg.msg_type);
        return key;
    }
    key += 'E';
    append_key_field(key, msg.sender);
    append_key_field(key, std::to_string(msg.create_time));
    append_key_field(key, event->event);
    append_key_field(key, event->event_key);
    append_key_field(key, event->change_type);
    append_key_field(key, std::to_string(event->fields.size()));
    for (const auto& [name, value] : event->fields) {  // a std::map: always in the same order
        append_key_field(key, name);
        append_key_field(key, value);
    }
    return key;
}

std::string serialize_answer(const Outcome& outcome) {
    json doc{{"v", kPlainAnswerVersion}};
    if (outcome.kind() != Outcome::Kind::Reply) {
        doc["kind"] = "none";
    } else {
        std::visit(
            [&doc](const auto& reply) {
                using T = std::decay_t<decltype(reply)>;
                if constexpr (std::is_same_v<T, wecom::TextReply>) {
                    doc["kind"] = "text";
                    doc["content"] = reply.content;
                } else if constexpr (std::is_same_v<T, wecom::NewsReply>) {
                    doc["kind"] = "news";
                    json articles = json::array();
                    for (const auto& a : reply.articles) articles.push_back(article_to_json(a));
                    doc["articles"] = std::move(articles);
                } else if constexpr (std::is_same_v<T, wecom::TemplateCardReply>) {
                    doc["v"] = kCardAnswerVersion;
                    doc["kind"] = "card";
                    doc["card"] = card_to_json(reply.card);
                } else {
                    static_assert(std::is_same_v<T, wecom::CardUpdateReply>);
                    doc["v"] = kCardAnswerVersion;
                    doc["kind"] = "card_update";
                    doc["card"] = card_to_json(reply.card);
                    doc["userids"] = reply.userids;
                }
            },
            outcome.reply());
    }
    // A reply that is not valid UTF-8 could not be sent as is either; replacing the bad bytes
    // keeps the record instead of failing the callback.
    return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<Outcome> parse_answer(std::string_view stored) {
    try {
        json doc = json::parse(stored, nullptr, /*allow_exceptions=*/false);
        if (doc.is_discarded()) return std::nullopt;
        return parse_json_answer(doc);
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

Outcome DedupHandler::handle(const wecom::InboundMessage& msg, Context& ctx) {
    // The pipeline sets it; a caller that runs this handler alone may not have.
    if (ctx.source_key.empty()) ctx.source_key = dedup_key(ctx.channel.name, msg);
    const std::string& key = ctx.source_key;
    if (!claim(key)) return Outcome::retry_later("duplicate in flight");

    auto found = store_.find(key);
    if (!found.ok()) {
        release(key);
        return Outcome::retry_later("dedup store unavailable: " + found.error().message);
    }
    if (!found->has_value()) return Outcome::pass();  // first delivery: keep the claim

    release(key);
    if (auto answer = parse_answer(**found)) return Outcome::replay(std::move(*answer));
    // Answered before, but the record cannot be read back: saying nothing is better than
    // running the handlers (and their side effects) a second time.
    return Outcome::replay(Outcome::stop("duplicate with unreadable dedup record"));
}

void DedupHandler::on_complete(const wecom::InboundMessage& /*msg*/, const Outcome& final,
                               Context& ctx) {
    std::string key = ctx.source_key;
    if (final.kind() == Outcome::Kind::RetryLater) {
        // Nothing was answered, so nothing is remembered: the retry runs the chain afresh.
        release(key);
        return;
    }
    auto guard = std::make_shared<OnceGuard>([this, key] { release(key); });
    ctx.before_answer.push_back([this, guard, key = std::move(key),
                                 answer = serialize_answer(final), at = ctx.now](DurableDone done) {
        store_.record(key, answer, at, [guard, done = std::move(done)](Status status) {
            // Released only now: a copy arriving after this finds the record.
            guard->release();
            done(std::move(status));
        });
    });
}

bool DedupHandler::claim(const std::string& key) {
    std::lock_guard lock(mutex_);
    return in_flight_.insert(key).second;
}

void DedupHandler::release(const std::string& key) {
    std::lock_guard lock(mutex_);
    in_flight_.erase(key);
}

}  // namespace groupdesk::handlers
