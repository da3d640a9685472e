// SqliteOutboxStore: the outbox table's SQL — inserts inside a ticket change's job, the delivery
// worker's claim and mark statements, and the admin's lists.
#include "storage/sqlite/sqlite_outbox_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "common/clock.h"
#include "storage/sqlite/lookup.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/writer.h"
#include "tickets/ticket_store.h"

namespace groupdesk::storage::sqlite {

using tickets::DeliveryState;
using tickets::Notification;

namespace {

#define GD_OUTBOX_COLUMNS                                                              \
    "id, ticket, route, channel, target, order_key, markdown, text, mentions, state, " \
    "attempts, created_at, next_attempt_at, sent_at, last_errcode, last_error"

constexpr const char* kInsertSql =
    "INSERT INTO outbox (ticket, route, channel, target, order_key, markdown, text, mentions, "
    "state, attempts, created_at, next_attempt_at, sent_at, last_errcode, last_error) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?10, NULL, 0, '')";
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
// A reschedule without a reason (a rate-limit wait) keeps the last failure on record.
constexpr const char* kRescheduleSql =
    "UPDATE outbox SET next_attempt_at = ?2, attempts = ?3,"
    " last_errcode = CASE WHEN ?4 = 0 AND ?5 = '' THEN last_errcode ELSE ?4 END,"
    " last_error = CASE WHEN ?4 = 0 AND ?5 = '' THEN last_error ELSE ?5 END WHERE id = ?1";
constexpr const char* kFinishSql =
    "UPDATE outbox SET state = ?2, attempts = ?3, last_errcode = ?4, last_error = ?5 "
    "WHERE id = ?1";
// ?3 and ?4: the two states an admin may retry.
constexpr const char* kRetrySql =
    "UPDATE outbox SET state = ?2, next_attempt_at = ?5 WHERE id = ?1 AND state IN (?3, ?4)";
constexpr const char* kExistsSql = "SELECT 1 FROM outbox WHERE id = ?1";
constexpr const char* kFindSql = "SELECT " GD_OUTBOX_COLUMNS " FROM outbox WHERE id = ?1";

std::string word(DeliveryState state) { return std::string(to_string(state)); }

std::string join_mentions(const std::vector<std::string>& mentions) {
    std::string out;
    for (const auto& m : mentions) {
        if (!out.empty()) out += '\n';
        out += m;
    }
    return out;
}

std::vector<std::string> split_mentions(const std::string& joined) {
    std::vector<std::string> out;
    if (joined.empty()) return out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = joined.find('\n', start);
        out.push_back(joined.substr(start, end - start));
        if (end == std::string::npos) return out;
        start = end + 1;
    }
}

// An enum word; one this build cannot read is a broken row, not a passing disk fault.
template <class Parse>
auto parse_column(SQLite::Statement& s, int index, Parse parse, std::string_view what) {
    const std::string stored = s.getColumn(index).getString();
    auto value = parse(stored);
    if (!value) throw std::runtime_error("stored " + std::string(what) + " '" + stored + "'");
    return *value;
}

// Columns in GD_OUTBOX_COLUMNS order.
Notification read_row(SQLite::Statement& s) {
    Notification n;
    n.id = s.getColumn(0).getInt64();
    n.ticket = s.getColumn(1).getInt64();
    n.route = parse_column(s, 2, tickets::parse_route, "route");
    n.channel = s.getColumn(3).getString();
    n.target = s.getColumn(4).getString();
    n.order_key = s.getColumn(5).getString();
    n.markdown = s.getColumn(6).getInt() != 0;
    n.text = s.getColumn(7).getString();
    n.mentions = split_mentions(s.getColumn(8).getString());
    n.state = parse_column(s, 9, tickets::parse_delivery_state, "delivery state");
    n.attempts = s.getColumn(10).getInt();
    n.created_at = from_unix_seconds(s.getColumn(11).getInt64());
    n.next_attempt_at = from_unix_seconds(s.getColumn(12).getInt64());
    if (!s.getColumn(13).isNull()) n.sent_at = from_unix_seconds(s.getColumn(13).getInt64());
    n.last_errcode = s.getColumn(14).getInt();
    n.last_error = s.getColumn(15).getString();
    return n;
}

std::vector<Notification> read_rows(SQLite::Statement& s) {
    std::vector<Notification> rows;
    while (s.executeStep()) rows.push_back(read_row(s));
    return rows;
}

std::int64_t seconds(tickets::time_point t) { return to_unix_seconds(t); }

// An update of one row by id: NotFound when no row has it.
Status require_row(int changed, std::int64_t id) {
    if (changed > 0) return ok_status();
    return make_error(ErrorCode::NotFound, "notification " + std::to_string(id) + " not found");
}

}  // namespace

void insert_notifications(WriteContext& w, std::int64_t ticket,
                          const std::vector<Notification>& rows, tickets::time_point at) {
    const std::string pending = word(DeliveryState::Pending);
    for (const Notification& n : rows) {
        auto& insert = w.statement(kInsertSql);
        insert.bind(1, ticket);
        insert.bind(2, std::string(to_string(n.route)));
        insert.bindNoCopy(3, n.channel);  // the change outlives the statement's use of it
        insert.bindNoCopy(4, n.target);
        insert.bindNoCopy(5, n.order_key);
        insert.bind(6, n.markdown ? 1 : 0);
        insert.bindNoCopy(7, n.text);
        insert.bind(8, join_mentions(n.mentions));
        insert.bindNoCopy(9, pending);
        insert.bind(10, seconds(at));
        insert.exec();
    }
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
    if (state != DeliveryState::Failed && state != DeliveryState::Undeliverable) {
        return make_error(ErrorCode::InvalidArgument, "finish takes Failed or Undeliverable");
    }
    return db_.writer().run_status([&](WriteContext& w) -> Status {
        auto& update = w.statement(kFinishSql);
        update.bind(1, id);
        update.bind(2, word(state));
        update.bind(3, attempts);
        update.bind(4, errcode);
        update.bindNoCopy(5, error);
        return require_row(update.exec(), id);
    });
}

Status SqliteOutboxStore::retry(std::int64_t id, tickets::time_point now) {
    return db_.writer().run_status([&](WriteContext& w) -> Status {
        auto& update = w.statement(kRetrySql);
        update.bind(1, id);
        update.bind(2, word(DeliveryState::Pending));
        update.bind(3, word(DeliveryState::Failed));
        update.bind(4, word(DeliveryState::Undeliverable));
        update.bind(5, seconds(now));
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
    if (q.ticket) sql += " AND ticket = ?2";
    if (q.after) sql += " AND id < ?3";
    sql += " ORDER BY id DESC LIMIT ?4";
    const std::string state = q.state ? word(*q.state) : std::string();
    return lookup<std::vector<Notification>>(db_, "outbox list", [&](ReaderPool::Lease& lease) {
        auto& select = lease.statement(sql);
        if (q.state) select.bindNoCopy(1, state);
        if (q.ticket) select.bind(2, *q.ticket);
        if (q.after) select.bind(3, *q.after);
        select.bind(4, limit);
        return read_rows(select);
    });
}

#undef GD_OUTBOX_COLUMNS

}  // namespace groupdesk::storage::sqlite
