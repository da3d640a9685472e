// ConversationStore: the tracked Official Account conversations (reply_window.h). Backends:
// storage/sqlite/ and tests/support/memory_conversation_store.h;
// tests/storage/conversation_store_contract_test.cpp states the contract every backend passes.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "tickets/notification.h"
#include "tickets/reply_window.h"

namespace groupdesk::tickets {

// Changes one conversation's record in place inside the store's transaction: `row` is the stored
// record (nullopt when none); return true to write it back (nullopt deletes), false to leave it.
// Runs on the store's thread and must not block or throw.
using ConversationEdit = std::function<bool(std::optional<TrackedConversation>& row)>;

struct ConversationUpdate {
    ConversationKey key;
    ConversationEdit edit;
};

struct ConversationQuery {
    std::string channel;                // empty: every channel
    std::optional<time_point> open_at;  // only windows still open at this time
    std::size_t limit = 50;             // 1..kMaxPageSize (ticket_store.h)
    // Cursor: rows after this one in (deadline, channel, user) order.
    std::optional<TrackedConversation> after;
};

// Implementers: reads may run on any thread at once; update() may be called from any thread and
// reports through `done` exactly once, on any thread, when durable (or failed). Errors from the
// backend itself are Unavailable. Times are kept to the second.
class ConversationStore {
public:
    virtual ~ConversationStore() = default;

    // One transaction: every edit, in order, on the records as they are at that moment (so a
    // read-modify-write is never lost to a concurrent one), and `notifications` stored as new
    // Pending outbox rows created and due at `at` (their `ticket` as set, 0 for none). All of it
    // or nothing.
    virtual void update(std::vector<ConversationUpdate> updates,
                        std::vector<Notification> notifications, time_point at,
                        std::function<void(Status)> done) = 0;

    [[nodiscard]] virtual Result<std::optional<TrackedConversation>> find(
        const ConversationKey& key) = 0;
    // Records whose next_alert_at is at or before `now`, earliest first, at most `limit`; an
    // index lookup, never a scan of every record.
    [[nodiscard]] virtual Result<std::vector<TrackedConversation>> due(time_point now,
                                                                       std::size_t limit) = 0;
    // The earliest next_alert_at of all (nullopt: none).
    [[nodiscard]] virtual Result<std::optional<time_point>> next_due() = 0;
    // In (deadline, channel, user) order: the window closing first comes first.
    [[nodiscard]] virtual Result<std::vector<TrackedConversation>> list(
        const ConversationQuery& query) = 0;
    [[nodiscard]] virtual Result<std::size_t> count() = 0;
};

// update() for a thread that may wait (never the store's own): returns once it is durable.
[[nodiscard]] Status update_and_wait(ConversationStore& store,
                                     std::vector<ConversationUpdate> updates,
                                     std::vector<Notification> notifications, time_point at);

}  // namespace groupdesk::tickets
