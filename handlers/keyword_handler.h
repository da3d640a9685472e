// KeywordHandler: answers a message with the reply of the keyword rule that matches it (after
// the ticket commands, which win), or with the channel's default reply when none does (to one
// user at most once per interval), and greets a new Official Account follower with the follow
// reply. Guards: never the account's own messages; one rule answers one chat at most once per
// flood interval. Every answer is recorded as a hit, durable with the answer.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "config/config.h"
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
    // True (and the time noted) when `key` last passed longer than `interval` ago.
    bool first_in(std::map<std::string, std::chrono::system_clock::time_point, std::less<>>& seen,
                  const std::string& key, std::chrono::seconds interval,
                  std::chrono::system_clock::time_point now);
    Outcome answer(const keywords::Rule& rule, const wecom::InboundMessage& msg,
                   const std::string& chat, Context& ctx);

    const keywords::KeywordService& rules_;
    keywords::KeywordStore& hits_;
    const config::Keywords& settings_;
    std::mutex mutex_;
    // rule id/channel/chat → when that rule last answered there; channel/user → last default.
    std::map<std::string, std::chrono::system_clock::time_point, std::less<>> answered_;
    std::map<std::string, std::chrono::system_clock::time_point, std::less<>> defaulted_;
};

}  // namespace groupdesk::handlers
