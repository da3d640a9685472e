// OutboxStore: the notifications waiting for delivery, and what became of them. Rows are added
// with their ticket's change (TicketChange::notifications, ticket_store.h), in its transaction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "tickets/notification.h"

namespace groupdesk::tickets {

struct NotificationQuery {
    std::optional<DeliveryState> state;
    std::optional<std::int64_t> ticket;
    std::optional<NotificationKind> kind;
    // One conversation's rows: its order key "<channel>/<target>".
    std::optional<std::string> order_key;
    std::size_t limit = 50;             // 1..kMaxPageSize (ticket_store.h)
    std::optional<std::int64_t> after;  // cursor: ids below this (newest first)
};

// Implementers: one delivery worker per database calls the claim/mark methods; the list methods
// may run on any thread at once. Times are kept to the second at least. Errors from the backend
// itself are Unavailable.
class OutboxStore {
public:
    virtual ~OutboxStore() = default;

    // Pending rows due at `now` that are the oldest pending row of their order key (so one
    // conversation's rows go out in order), oldest first, at most `limit`.
    [[nodiscard]] virtual Result<std::vector<Notification>> due(time_point now,
                                                                std::size_t limit) = 0;
    // When the earliest pending row falls due (nullopt: none pending).
    [[nodiscard]] virtual Result<std::optional<time_point>> next_due() = 0;
    // How many rows are pending, and when the oldest of them was created.
    struct Backlog {
        std::size_t pending = 0;
        std::optional<time_point> oldest_created_at;
    };
    [[nodiscard]] virtual Result<Backlog> backlog() = 0;

    // The platform took row `id` (after `attempts` calls in all).
    [[nodiscard]] virtual Status mark_sent(std::int64_t id, time_point at, int attempts) = 0;
    // Not yet: try again at `at`. `attempts` is the new count; errcode/error the reason (empty
    // when the row only waited for its rate limit).
    [[nodiscard]] virtual Status reschedule(std::int64_t id, time_point at, int attempts,
                                            int errcode, std::string error) = 0;
    // For good: Failed, Undeliverable, WindowClosed or QuotaExhausted, with the reason.
    [[nodiscard]] virtual Status finish(std::int64_t id, DeliveryState state, int attempts,
                                        int errcode, std::string error) = 0;
    // finish(), and `follow_ups` stored as new Pending rows created and due at `at` (their
    // `ticket` as set, 0 for none), in one transaction: a refused send and the agents' alert
    // about it are durable together.
    [[nodiscard]] virtual Status finish_with(std::int64_t id, DeliveryState state, int attempts,
                                             int errcode, std::string error,
                                             std::vector<Notification> follow_ups,
                                             time_point at) = 0;
    // The platform took row `id`, but by another route than its own (a ticket notification sent
    // as a template message because the window had closed): the row becomes Sent with `route`,
    // and keeps `errcode` / `why` as its last error so that the API shows why.
    [[nodiscard]] virtual Status mark_sent_instead(std::int64_t id, time_point at, int attempts,
                                                   Route route, int errcode, std::string why) = 0;
    // An admin's retry of a row that ended without being sent (Failed, Undeliverable,
    // WindowClosed, QuotaExhausted): Pending again, due at `now`, attempts kept. NotFound;
    // FailedPrecondition for a row that is Pending or Sent.
    [[nodiscard]] virtual Status retry(std::int64_t id, time_point now) = 0;

    // Rows that belong to no ticket change (an agent's message to a customer), stored Pending,
    // created and due at `at`; returns their ids once durable. Their `ticket` as set, 0 for none.
    [[nodiscard]] virtual Result<std::vector<std::int64_t>> enqueue(std::vector<Notification> rows,
                                                                    time_point at) = 0;

    [[nodiscard]] virtual Result<std::optional<Notification>> find(std::int64_t id) = 0;
    // Newest first.
    [[nodiscard]] virtual Result<std::vector<Notification>> list(
        const NotificationQuery& query) = 0;
};

}  // namespace groupdesk::tickets
