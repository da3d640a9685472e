// DedupHandler: the dedup key, the stored form of an answer, and the claim that keeps a copy
// arriving mid-flight from running the handlers a second time.
#include "handlers/dedup.h"

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <type_traits>
#include <utility>
#include <variant>

#include "common/once_guard.h"

namespace groupdesk::handlers {

namespace {

using nlohmann::json;

// The stored form carries a version so that a later format can still read old records.
constexpr int kAnswerVersion = 1;

json article_to_json(const wecom::NewsArticle& a) {
    return json{
        {"title", a.title}, {"description", a.description}, {"pic_url", a.pic_url}, {"url", a.url}};
}

std::optional<std::string> string_field(const json& object, const char* name) {
    auto it = object.find(name);
    if (it == object.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

std::optional<Outcome> parse_json_answer(const json& doc) {
    if (!doc.is_object()) return std::nullopt;
    auto version = doc.find("v");
    if (version == doc.end() || !version->is_number_integer() || *version != kAnswerVersion) {
        return std::nullopt;
    }
    auto kind = string_field(doc, "kind");
    if (!kind) return std::nullopt;
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
    json doc{{"v", kAnswerVersion}};
    if (outcome.kind() != Outcome::Kind::Reply) {
        doc["kind"] = "none";
    } else {
        std::visit(
            [&doc](const auto& reply) {
                using T = std::decay_t<decltype(reply)>;
                if constexpr (std::is_same_v<T, wecom::TextReply>) {
                    doc["kind"] = "text";
                    doc["content"] = reply.content;
                } else {
                    doc["kind"] = "news";
                    json articles = json::array();
                    for (const auto& a : reply.articles) articles.push_back(article_to_json(a));
                    doc["articles"] = std::move(articles);
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
