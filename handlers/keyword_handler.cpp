// Keyword replies in the pipeline: normalise → match → guard → reply and hit.
#include "handlers/keyword_handler.h"

#include "handlers/addressed.h"
#include "handlers/help_handler.h"
#include "keywords/normalize.h"

namespace groupdesk::handlers {
namespace {

using keywords::RuleKind;

// Chats remembered by each guard at most: two tables of 64 Ki slots, about 3 MB. Past this, under
// more than 50,000 new chats in one interval, a rule may answer a chat again within the
// interval, which beats memory without bound.
constexpr std::size_t kMaxRemembered = 100000;

bool is_follow(const wecom::InboundMessage& msg) {
    const auto* event = std::get_if<wecom::EventBody>(&msg.body);
    return msg.kind == config::ChannelKind::Mp && event != nullptr && event->event == "subscribe";
}

wecom::Reply reply_of(const keywords::Rule& rule) {
    if (rule.news) {
        return wecom::NewsReply{{wecom::NewsArticle{rule.news->title, rule.news->description,
                                                    rule.news->pic_url, rule.news->url}}};
    }
    return wecom::TextReply{rule.reply};
}

}  // namespace

KeywordHandler::KeywordHandler(const keywords::KeywordService& rules, keywords::KeywordStore& hits,
                               const config::Keywords& settings)
    : rules_(rules),
      hits_(hits),
      settings_(settings),
      answered_(settings.flood_interval, kMaxRemembered),
      defaulted_(settings.default_reply_interval, kMaxRemembered) {}

bool KeywordHandler::first_in(details::FloodGuard& guard, const std::string& key,
                              const Context& ctx) {
    std::lock_guard lock(mutex_);
    return guard.first_in(key, ctx.source_key, ctx.now);
}

Outcome KeywordHandler::handle(const wecom::InboundMessage& msg, Context& ctx) {
    // The account's own messages (and nobody's) are never answered, so that two bots cannot
    // answer each other forever.
    if (msg.sender.empty() || msg.sender == msg.recipient) return Outcome::pass();
    const std::string& chat = in_group(msg) ? msg.chat_id : msg.sender;
    const auto index = rules_.index();
    const keywords::MatchContext where{ctx.channel.name, chat,
                                       rules_.zone().minute_of_day(ctx.now)};

    if (is_follow(msg)) {
        const keywords::Rule* rule = index->special(RuleKind::Follow, where);
        if (rule == nullptr) return Outcome::pass();
        ctx.reply_only_acknowledges = true;  // a welcome answers nothing the user asked
        return answer(*rule, msg, chat, ctx);
    }
    const auto body = addressed_text(msg, ctx.channel);
    if (!body) return Outcome::pass();  // no text, or not addressed to the bot
    const std::string normalized = keywords::normalize(*body);
    if (normalized.empty()) return Outcome::pass();

    if (const keywords::Rule* rule = index->match(normalized, where)) {
        const std::string key = std::to_string(rule->id) + "/" + ctx.channel.name + "/" + chat;
        if (!first_in(answered_, key, ctx)) {
            return Outcome::stop("keyword rule " + std::to_string(rule->id) +
                                 " answered this chat less than " +
                                 std::to_string(settings_.flood_interval.count()) + " s ago");
        }
        return answer(*rule, msg, chat, ctx);
    }
    const keywords::Rule* fallback = index->special(RuleKind::Default, where);
    if (fallback == nullptr || is_help_request(*body)) return Outcome::pass();
    if (!first_in(defaulted_, ctx.channel.name + "/" + msg.sender, ctx)) {
        return Outcome::pass();
    }
    ctx.reply_only_acknowledges = true;  // "we got your message" leaves the question open
    return answer(*fallback, msg, chat, ctx);
}

Outcome KeywordHandler::answer(const keywords::Rule& rule, const wecom::InboundMessage& msg,
                               const std::string& chat, Context& ctx) {
    keywords::Hit hit{rule.id, ctx.channel.name, chat, msg.sender, ctx.now};
    ctx.before_answer.push_back([this, hit = std::move(hit)](DurableDone done) mutable {
        hits_.record_hit(std::move(hit), std::move(done));
    });
    return Outcome::reply(reply_of(rule));
}

}  // namespace groupdesk::handlers
