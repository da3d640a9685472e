// DedupHandler, first in the chain: the platform retries a callback it got no answer to within
// 5 s, up to three times, so a retried callback gets the answer recorded for the first delivery
// and no handler runs twice, also after a restart.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "handlers/dedup_store.h"
#include "handlers/handler.h"

namespace groupdesk::handlers {

// The platforms' recommended key: channel + MsgId (AI bot: msgid); for events without one,
// channel + FromUserName + CreateTime + every field of the event (Event, EventKey, ChangeType...).
std::string dedup_key(std::string_view channel, const wecom::InboundMessage& msg);

// Appends `field` as "<length>:<bytes>": self-delimiting, so no two field lists give the same key,
// whatever bytes the platform puts in them. For every key kept in the dedup store.
void append_key_field(std::string& key, std::string_view field);

// How a final outcome is kept in the store and read back. Only Reply and "no reply" are kept.
std::string serialize_answer(const Outcome& outcome);
std::optional<Outcome> parse_answer(std::string_view stored);

class DedupHandler final : public Handler {
public:
    explicit DedupHandler(DedupStore& store) : store_(store) {}

    std::string_view name() const override { return "dedup"; }
    Outcome handle(const wecom::InboundMessage& msg, Context& ctx) override;
    void on_complete(const wecom::InboundMessage& msg, const Outcome& final, Context& ctx) override;

private:
    bool claim(const std::string& key);
    void release(const std::string& key);

    DedupStore& store_;
    std::mutex mutex_;
    // Keys whose first delivery is being handled and not yet durable: a copy arriving meanwhile
    // is told to retry rather than run the handlers a second time.
    std::unordered_set<std::string> in_flight_;
};

}  // namespace groupdesk::handlers
