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
    // When a key last passed, and for which callback (its source key).
    struct Passed {
        std::chrono::system_clock::time_point at;
        std::string source_key;
    };
    struct Seen {
        std::map<std::string, Passed, std::less<>> entries;
        // The next sweep of expired entries is not before this: a flood of new chats must not
        // make every call a scan of all of them.
        std::chrono::system_clock::time_point next_sweep{};
    };

    // True (and the time noted) when `key` last passed longer than `interval` ago, or for this
    // same callback: a retry after a failed answer (503) must be answered, not taken for a
    // second question.
    bool first_in(Seen& seen, const std::string& key, std::chrono::seconds interval,
                  const Context& ctx);
    Outcome answer(const keywords::Rule& rule, const wecom::InboundMessage& msg,
                   const std::string& chat, Context& ctx);

    const keywords::KeywordService& rules_;
    keywords::KeywordStore& hits_;
    const config::Keywords& settings_;
    std::mutex mutex_;
    // rule id/channel/chat → when that rule last answered there; channel/user → last default.
    Seen answered_;
    Seen defaulted_;
};

}  // namespace groupdesk::handlers
