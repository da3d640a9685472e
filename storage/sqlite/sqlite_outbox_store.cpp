// SqliteOutboxStore: the outbox table's SQL — inserts inside a ticket or conversation change's job,
// the delivery worker's claim and mark statements, and the admin's lists.
#include "storage/sqlite/sqlite_outbox_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "storage/sqlite/lookup.h"
#include "storage/sqlite/outbox_columns.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/writer.h"
#include "tickets/ticket_store.h"

namespace groupdesk::storage::sqlite {

using tickets::DeliveryState;
using tickets::Notification;

namespace {

using outbox_columns::read_row;
using outbox_columns::read_rows;

// ?1 NULL for a row about no ticket.
constexpr const char* kInsertSql =
    "INSERT INTO outbox (ticket, kind, route, channel, target, order_key, markdown, text, "
    "mentions, state, attempts, created_at, next_attempt_at, sent_at, last_errcode, last_error) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?11, NULL, 0, '')";
// ?1 pending. The head of an order key is its lowest pending id (outbox_heads, a seek per key);
// the pending rows due are found through outbox_next. Sent rows are never read.
// Each conversation's head (its lowest pending id), found by stepping from one order key to the
// next through outbox_heads: a seek per conversation, whatever the number of pending rows behind
// the heads (a plain "is it the lowest of its key" test per pending row took 17 ms at 20,000).
#define GD_OUTBOX_HEADS                                                                        \
    "WITH RECURSIVE keys(k) AS ("                                                              \
    " SELECT (SELECT min(order_key) FROM outbox WHERE state = ?1)"                             \
    " UNION ALL SELECT (SELECT min(order_key) FROM outbox WHERE state = ?1 AND order_key > k)" \
    " FROM keys WHERE k IS NOT NULL) "
constexpr const char* kDueSql =
    GD_OUTBOX_HEADS "SELECT " GD_OUTBOX_COLUMNS
                    " FROM keys JOIN outbox AS o ON o.id = (SELECT min(h.id) FROM outbox AS h"
                    " WHERE h.state = ?1 AND h.order_key = keys.k)"
                    " WHERE keys.k IS NOT NULL AND o.next_attempt_at <= ?2 ORDER BY o.id LIMIT ?3";
constexpr const char* kNextDueSql = GD_OUTBOX_HEADS
    "SELECT min(o.next_attempt_at)"
    " FROM keys JOIN outbox AS o ON o.id = (SELECT min(h.id) FROM outbox AS h"
    " WHERE h.state = ?1 AND h.order_key = keys.k)"
    " WHERE keys.k IS NOT NULL";
#undef GD_OUTBOX_HEADS
constexpr const char* kBacklogSql = "SELECT count(*), min(created_at) FROM outbox WHERE state = ?1";
constexpr const char* kMarkSentSql =
    "UPDATE outbox SET state = ?2, sent_at = ?3, attempts = ?4 WHERE id = ?1";
constexpr const char* kMarkSentInsteadSql =
    "UPDATE outbox SET state = ?2, sent_at = ?3, attempts = ?4, route = ?5, last_errcode = ?6,"
    " last_error = ?7 WHERE id = ?1";
// A reschedule without a reason (a rate-limit wait) keeps the last failure on record.
constexpr const char* kRescheduleSql =
    "UPDATE outbox SET next_attempt_at = ?2, attempts = ?3,"
    " last_errcode = CASE WHEN ?4 = 0 AND ?5 = '' THEN last_errcode ELSE ?4 END,"
    " last_error = CASE WHEN ?4 = 0 AND ?5 = '' THEN last_error ELSE ?5 END WHERE id = ?1";
constexpr const char* kFinishSql =
    "UPDATE outbox SET state = ?2, attempts = ?3, last_errcode = ?4, last_error = ?5 "
    "WHERE id = ?1";
// ?3 to ?6: the states an admin may retry (every end but Sent).
constexpr const char* kRetrySql =
    "UPDATE outbox SET state = ?2, next_attempt_at = ?7"
    " WHERE id = ?1 AND state IN (?3, ?4, ?5, ?6)";
constexpr const char* kExistsSql = "SELECT 1 FROM outbox WHERE id = ?1";
constexpr const char* kFindSql = "SELECT " GD_OUTBOX_COLUMNS " FROM outbox WHERE id = ?1";

std::string word(DeliveryState state) { return std::string(to_string(state)); }

std::int64_t seconds(tickets::time_point t) { return to_unix_seconds(t); }

// An update of one row by id: NotFound when no row has it.
Status require_row(int changed, std::int64_t id) {
    if (changed > 0) return ok_status();
    return make_error(ErrorCode::NotFound, "notification " + std::to_string(id) + " not found");
}

bool ends_unsent(DeliveryState state) {
    return state == DeliveryState::Failed || state == DeliveryState::Undeliverable ||
           state == DeliveryState::WindowClosed || state == DeliveryState::QuotaExhausted;
}

Status check_finish_state(DeliveryState state) {
    if (ends_unsent(state)) return ok_status();
    return make_error(ErrorCode::InvalidArgument,
                      "finish takes Failed, Undeliverable, WindowClosed or QuotaExhausted");
}

// One new Pending row of ticket `ticket` (0: none, stored NULL); returns its id.
std::int64_t insert_row(WriteContext& w, std::int64_t ticket, const Notification& n,
                        const std::string& pending, tickets::time_point at) {
    auto& insert = w.statement(kInsertSql);
    if (ticket != 0) {
        insert.bind(1, ticket);
    } else {
        insert.bind(1);  // NULL
    }
    insert.bind(2, std::string(to_string(n.kind)));
    insert.bind(3, std::string(to_string(n.route)));
    insert.bindNoCopy(4, n.channel);  // the caller's rows outlive the statement's use of them
    insert.bindNoCopy(5, n.target);
    insert.bindNoCopy(6, n.order_key);
    insert.bind(7, n.markdown ? 1 : 0);
    insert.bindNoCopy(8, n.text);
    insert.bind(9, outbox_columns::join_mentions(n.mentions));
    insert.bindNoCopy(10, pending);
    insert.bind(11, seconds(at));
    insert.exec();
    return w.connection().getLastInsertRowid();
}

std::vector<std::int64_t> insert_rows(WriteContext& w, std::int64_t ticket,
                                      const std::vector<Notification>& rows,
                                      tickets::time_point at) {
    const std::string pending = word(DeliveryState::Pending);
    std::vector<std::int64_t> ids;
    ids.reserve(rows.size());
    for (const Notification& n : rows) {
        ids.push_back(insert_row(w, ticket != 0 ? ticket : n.ticket, n, pending, at));
    }
    return ids;
}

Status finish_row(WriteContext& w, std::int64_t id, DeliveryState state, int attempts, int errcode,
                  const std::string& error) {
    auto& update = w.statement(kFinishSql);
    update.bind(1, id);
    update.bind(2, word(state));
    update.bind(3, attempts);
    update.bind(4, errcode);
    update.bindNoCopy(5, error);
    return require_row(update.exec(), id);
}

}  // namespace

void insert_notifications(WriteContext& w, std::int64_t ticket,
                          const std::vector<Notification>& rows, tickets::time_point at) {
    insert_rows(w, ticket, rows, at);
}

Result<std::unique_ptr<SqliteOutboxStore>> SqliteOutboxStore::open(Database& db) {
    return std::unique_ptr<SqliteOutboxStore>(new SqliteOutboxStore(db));
}

std::string_view SqliteOutboxStore::due_sql() { return kDueSql; }
std::string_view SqliteOutboxStore::next_due_sql() { return kNextDueSql; }

Result<std::vector<Notification>> SqliteOutboxStore::due(tickets::time_point now,
                                                         std::size_t limit) {
    if (limit == 0) return std::vector<Notification>{};
    const auto rows = static_cast<std::int64_t>(std::min<std::size_t>(limit, 1'000'000));
    const std::string pending = word(DeliveryState::Pending);
    return lookup<std::vector<Notification>>(db_, "outbox due", [&](ReaderPool::Lease& lease) {
        auto& select = lease.statement(kDueSql);
        select.bindNoCopy(1, pending);
        select.bind(2, seconds(now));
        select.bind(3, rows);
        return read_rows(select);
    });
}

Result<std::optional<tickets::time_point>> SqliteOutboxStore::next_due() {
    const std::string pending = word(DeliveryState::Pending);
    return lookup<std::optional<tickets::time_point>>(
        db_, "outbox next due", [&](ReaderPool::Lease& lease) {
            auto& select = lease.statement(kNextDueSql);
            select.bindNoCopy(1, pending);
            std::optional<tickets::time_point> next;
            if (select.executeStep() && !select.getColumn(0).isNull()) {
                next = from_unix_seconds(select.getColumn(0).getInt64());
            }
            return next;
        });
}

Result<tickets::OutboxStore::Backlog> SqliteOutboxStore::backlog() {
    const std::string pending = word(DeliveryState::Pending);
    return lookup<Backlog>(db_, "outbox backlog", [&](ReaderPool::Lease& lease) {
        auto& select = lease.statement(kBacklogSql);
        select.bindNoCopy(1, pending);
        Backlog b;
        if (select.executeStep()) {
            b.pending = static_cast<std::size_t>(select.getColumn(0).getInt64());
            if (!select.getColumn(1).isNull()) {
                b.oldest_created_at = from_unix_seconds(select.getColumn(1).getInt64());
            }
        }
        return b;
    });
}

Status SqliteOutboxStore::mark_sent(std::int64_t id, tickets::time_point at, int attempts) {
    return db_.writer().run_status([&](WriteContext& w) -> Status {
        auto& update = w.statement(kMarkSentSql);
        update.bind(1, id);
        update.bind(2, word(DeliveryState::Sent));
        update.bind(3, seconds(at));
        update.bind(4, attempts);
        return require_row(update.exec(), id);
    });
}

Status SqliteOutboxStore::reschedule(std::int64_t id, tickets::time_point at, int attempts,
                                     int errcode, std::string error) {
    return db_.writer().run_status([&](WriteContext& w) -> Status {
        auto& update = w.statement(kRescheduleSql);
        update.bind(1, id);
        update.bind(2, seconds(at));
        update.bind(3, attempts);
        update.bind(4, errcode);
        update.bindNoCopy(5, error);
        return require_row(update.exec(), id);
    });
}

Status SqliteOutboxStore::finish(std::int64_t id, DeliveryState state, int attempts, int errcode,
                                 std::string error) {
    if (Status valid = check_finish_state(state); !valid.ok()) return valid;
    return db_.writer().run_status([&](WriteContext& w) -> Status {
        return finish_row(w, id, state, attempts, errcode, error);
    });
}

Status SqliteOutboxStore::finish_with(std::int64_t id, DeliveryState state, int attempts,
                                      int errcode, std::string error,
                                      std::vector<Notification> follow_ups,
                                      tickets::time_point at) {
    if (Status valid = check_finish_state(state); !valid.ok()) return valid;
    return db_.writer().run_status([&](WriteContext& w) -> Status {
        // An error rolls the job back: no follow-up without its finished row.
        if (Status done = finish_row(w, id, state, attempts, errcode, error); !done.ok()) {
            return done;
        }
        insert_rows(w, 0, follow_ups, at);
        return ok_status();
    });
}

Status SqliteOutboxStore::mark_sent_instead(std::int64_t id, tickets::time_point at, int attempts,
                                            tickets::Route route, int errcode, std::string why) {
    return db_.writer().run_status([&](WriteContext& w) -> Status {
        auto& update = w.statement(kMarkSentInsteadSql);
        update.bind(1, id);
        update.bind(2, word(DeliveryState::Sent));
        update.bind(3, seconds(at));
        update.bind(4, attempts);
        update.bind(5, std::string(to_string(route)));
        update.bind(6, errcode);
        update.bindNoCopy(7, why);
        return require_row(update.exec(), id);
    });
}

Result<std::vector<std::int64_t>> SqliteOutboxStore::enqueue(std::vector<Notification> rows,
                                                             tickets::time_point at) {
    return db_.writer().run<std::vector<std::int64_t>>(
        [&](WriteContext& w) -> Result<std::vector<std::int64_t>> {
            return insert_rows(w, 0, rows, at);
        });
}

Status SqliteOutboxStore::retry(std::int64_t id, tickets::time_point now) {
    return db_.writer().run_status([&](WriteContext& w) -> Status {
        auto& update = w.statement(kRetrySql);
        update.bind(1, id);
        update.bind(2, word(DeliveryState::Pending));
        update.bind(3, word(DeliveryState::Failed));
        update.bind(4, word(DeliveryState::Undeliverable));
        update.bind(5, word(DeliveryState::WindowClosed));
        update.bind(6, word(DeliveryState::QuotaExhausted));
        update.bind(7, seconds(now));
        if (update.exec() > 0) return ok_status();
        // Nothing changed: tell a missing row from one that is not finished.
        auto& exists = w.statement(kExistsSql);
        exists.bind(1, id);
        const bool found = exists.executeStep();
        exists.reset();
        if (!found) return require_row(0, id);
        return make_error(ErrorCode::FailedPrecondition,
                          "notification " + std::to_string(id) + " is pending or sent");
    });
}

Result<std::optional<Notification>> SqliteOutboxStore::find(std::int64_t id) {
    return lookup<std::optional<Notification>>(db_, "outbox lookup", [&](ReaderPool::Lease& lease) {
        auto& select = lease.statement(kFindSql);
        select.bind(1, id);
        std::optional<Notification> row;
        if (select.executeStep()) row = read_row(select);
        return row;
    });
}

Result<std::vector<Notification>> SqliteOutboxStore::list(const tickets::NotificationQuery& q) {
    const auto limit =
        static_cast<std::int64_t>(std::clamp<std::size_t>(q.limit, 1, tickets::kMaxPageSize));
    // Fixed placeholder numbers, so each combination of filters is one cached statement.
    std::string sql = "SELECT " GD_OUTBOX_COLUMNS " FROM outbox WHERE 1";
    if (q.state) sql += " AND state = ?1";
    // Ticket 0 is "about no ticket", stored NULL.
    const bool no_ticket = q.ticket && *q.ticket == 0;
    if (q.ticket) sql += no_ticket ? " AND ticket IS NULL" : " AND ticket = ?2";
    if (q.kind) sql += " AND kind = ?5";
    if (q.order_key) sql += " AND order_key = ?6";
    if (q.after) sql += " AND id < ?3";
    sql += " ORDER BY id DESC LIMIT ?4";
    const std::string state = q.state ? word(*q.state) : std::string();
    const std::string kind = q.kind ? std::string(to_string(*q.kind)) : std::string();
    return lookup<std::vector<Notification>>(db_, "outbox list", [&](ReaderPool::Lease& lease) {
        auto& select = lease.statement(sql);
        if (q.state) select.bindNoCopy(1, state);
        if (q.ticket && !no_ticket) select.bind(2, *q.ticket);
        if (q.after) select.bind(3, *q.after);
        select.bind(4, limit);
        if (q.kind) select.bindNoCopy(5, kind);
        if (q.order_key) select.bindNoCopy(6, *q.order_key);
        return read_rows(select);
    });
}

}  // namespace groupdesk::storage::sqlite
