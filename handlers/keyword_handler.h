// KeywordHandler: answers a message with the reply of the keyword rule that matches it (after
// the ticket commands, which win), or with the channel's default reply when none does (to one
// user at most once per interval), and greets a new Official Account follower with the follow
// reply. Guards: never the account's own messages; one rule answers one chat at most once per
// flood interval. Every answer is recorded as a hit, durable with the answer.
#pragma once

#include <mutex>
#include <string>

#include "config/config.h"
#include "handlers/details/flood_guard.h"
#include "handlers/handler.h"
#include "keywords/keyword_service.h"
#include "keywords/keyword_store.h"

namespace groupdesk::handlers {

class KeywordHandler final : public Handler {
public:
    // All three outlive the handler.
    KeywordHandler(const keywords::KeywordService& rules, keywords::KeywordStore& hits,
                   const config::Keywords& settings);

    std::string_view name() const override { return "keywords"; }
    Outcome handle(const wecom::InboundMessage& msg, Context& ctx) override;

private:
    // FloodGuard::first_in under the handler's lock.
    bool first_in(details::FloodGuard& guard, const std::string& key, const Context& ctx);
    Outcome answer(const keywords::Rule& rule, const wecom::InboundMessage& msg,
                   const std::string& chat, Context& ctx);

    const keywords::KeywordService& rules_;
    keywords::KeywordStore& hits_;
    const config::Keywords& settings_;
    std::mutex mutex_;
    // rule id/channel/chat: when that rule last answered there; channel/user: the last default.
    details::FloodGuard answered_;
    details::FloodGuard defaulted_;
};

}  // namespace groupdesk::handlers
