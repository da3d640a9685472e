// SqliteOutboxStore: the production OutboxStore. Rows are inserted by SqliteTicketStore and
// SqliteConversationStore in each change's job (insert_notifications), or by enqueue() and
// finish_with(); delivery updates are writer jobs, lists run on readers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/sqlite/database.h"
#include "tickets/outbox_store.h"

namespace groupdesk::storage::sqlite {

class WriteContext;

// Stores `rows` as new Pending rows of ticket `ticket`, created and due at `at`, inside the
// caller's job (its savepoint makes them part of the change). `ticket` 0: each row's own ticket
// (0 there too: about no ticket, stored NULL). What the caller set for id, state,
// attempts, sent_at or the last error is ignored: nobody tried these rows yet. Throws
// SQLite::Exception, like any statement in a job.
void insert_notifications(WriteContext& w, std::int64_t ticket,
                          const std::vector<tickets::Notification>& rows, tickets::time_point at);

// Times are kept to the second. due() reads only pending rows (outbox_heads, outbox_next), so its
// cost follows the backlog, not the history of sent rows. next_due() is the earliest time due()
// would return a row: a follower due before its order key's head does not count.
// reschedule() with errcode 0 and no error (a wait for the rate limit) keeps the last failure.
// The mark methods return NotFound for an id that does not exist; finish() and finish_with() take
// only Failed, Undeliverable, WindowClosed or QuotaExhausted (InvalidArgument otherwise).
// list() with ticket 0 lists the rows about no ticket; with an order key it reads
// outbox_order_key, one conversation's rows only.
class SqliteOutboxStore final : public tickets::OutboxStore {
public:
    // `db` must outlive the store.
    [[nodiscard]] static Result<std::unique_ptr<SqliteOutboxStore>> open(Database& db);

    Result<std::vector<tickets::Notification>> due(tickets::time_point now,
                                                   std::size_t limit) override;
    Result<std::optional<tickets::time_point>> next_due() override;
    Result<Backlog> backlog() override;

    // Synchronous writer jobs: the delivery worker waits for each to be durable, so a restart
    // never sends a row twice because its mark was lost.
    Status mark_sent(std::int64_t id, tickets::time_point at, int attempts) override;
    Status reschedule(std::int64_t id, tickets::time_point at, int attempts, int errcode,
                      std::string error) override;
    Status finish(std::int64_t id, tickets::DeliveryState state, int attempts, int errcode,
                  std::string error) override;
    Status finish_with(std::int64_t id, tickets::DeliveryState state, int attempts, int errcode,
                       std::string error, std::vector<tickets::Notification> follow_ups,
                       tickets::time_point at) override;
    Status mark_sent_instead(std::int64_t id, tickets::time_point at, int attempts,
                             tickets::Route route, int errcode, std::string why) override;
    Status retry(std::int64_t id, tickets::time_point now) override;
    Result<std::vector<std::int64_t>> enqueue(std::vector<tickets::Notification> rows,
                                              tickets::time_point at) override;

    Result<std::optional<tickets::Notification>> find(std::int64_t id) override;
    Result<std::vector<tickets::Notification>> list(
        const tickets::NotificationQuery& query) override;

    // The SQL of due() and next_due(), for tests that check their query plans.
    static std::string_view due_sql();
    static std::string_view next_due_sql();

private:
    explicit SqliteOutboxStore(Database& db) : db_(db) {}
    Database& db_;
};

}  // namespace groupdesk::storage::sqlite
