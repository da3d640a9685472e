// SqliteConversationStore: the conversations table's SQL — the read-modify-write of update(), and
// the worker's and the API's reads.
#include "storage/sqlite/sqlite_conversation_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "common/clock.h"
#include "storage/sqlite/lookup.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/sqlite_outbox_store.h"
#include "storage/sqlite/writer.h"
#include "tickets/ticket_store.h"

namespace groupdesk::storage::sqlite {

using tickets::ConversationKey;
using tickets::TrackedConversation;
using tickets::WindowAction;

namespace {

#define GD_CONVERSATION_COLUMNS                                                             \
    "channel, user_id, opened_by, window_opened_at, last_action_at, deadline, quota_left, " \
    "last_message_at, last_answer_at, last_excerpt, alerts_done, nudged, next_alert_at, "   \
    "last_source_key"

constexpr const char* kFindSql =
    "SELECT " GD_CONVERSATION_COLUMNS " FROM conversations WHERE channel = ?1 AND user_id = ?2";
constexpr const char* kUpsertSql =
    "INSERT INTO conversations (" GD_CONVERSATION_COLUMNS
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    " ON CONFLICT (channel, user_id) DO UPDATE SET opened_by = excluded.opened_by,"
    " window_opened_at = excluded.window_opened_at, last_action_at = excluded.last_action_at,"
    " deadline = excluded.deadline, quota_left = excluded.quota_left,"
    " last_message_at = excluded.last_message_at, last_answer_at = excluded.last_answer_at,"
    " last_excerpt = excluded.last_excerpt, alerts_done = excluded.alerts_done,"
    " nudged = excluded.nudged, next_alert_at = excluded.next_alert_at,"
    " last_source_key = excluded.last_source_key";
constexpr const char* kDeleteSql = "DELETE FROM conversations WHERE channel = ?1 AND user_id = ?2";
// Both read conversations_next_alert only: the `IS NOT NULL` matches the partial index's
// condition, and the order is the index's own (its entries end in the primary key).
constexpr const char* kDueSql =
    "SELECT " GD_CONVERSATION_COLUMNS
    " FROM conversations WHERE next_alert_at IS NOT NULL AND next_alert_at <= ?1"
    " ORDER BY next_alert_at, channel, user_id LIMIT ?2";
constexpr const char* kNextDueSql =
    "SELECT min(next_alert_at) FROM conversations WHERE next_alert_at IS NOT NULL";
constexpr const char* kCountSql = "SELECT count(*) FROM conversations";

// The model's words, which schema step 8's CHECK constraint lists too.
std::string action_word(WindowAction action) { return std::string(tickets::to_string(action)); }

WindowAction read_action(const std::string& stored) {
    if (auto action = tickets::parse_window_action(stored)) return *action;
    throw std::runtime_error("stored window action '" + stored + "'");
}

std::int64_t seconds(tickets::time_point t) { return to_unix_seconds(t); }

std::optional<tickets::time_point> optional_time(SQLite::Statement& s, int index) {
    if (s.getColumn(index).isNull()) return std::nullopt;
    return from_unix_seconds(s.getColumn(index).getInt64());
}

void bind_time(SQLite::Statement& s, int index, const std::optional<tickets::time_point>& t) {
    if (t) {
        s.bind(index, seconds(*t));
    } else {
        s.bind(index);  // NULL
    }
}

// Columns in GD_CONVERSATION_COLUMNS order.
TrackedConversation read_row(SQLite::Statement& s) {
    TrackedConversation c;
    c.key.channel = s.getColumn(0).getString();
    c.key.user = s.getColumn(1).getString();
    c.opened_by = read_action(s.getColumn(2).getString());
    c.window_opened_at = from_unix_seconds(s.getColumn(3).getInt64());
    c.last_action_at = from_unix_seconds(s.getColumn(4).getInt64());
    c.deadline = from_unix_seconds(s.getColumn(5).getInt64());
    c.quota_left = s.getColumn(6).getInt();
    c.last_message_at = optional_time(s, 7);
    c.last_answer_at = optional_time(s, 8);
    c.last_excerpt = s.getColumn(9).getString();
    c.alerts_done = static_cast<std::size_t>(s.getColumn(10).getInt64());
    c.nudged = s.getColumn(11).getInt() != 0;
    c.next_alert_at = optional_time(s, 12);
    c.last_source_key = s.getColumn(13).getString();
    return c;
}

std::vector<TrackedConversation> read_rows(SQLite::Statement& s) {
    std::vector<TrackedConversation> rows;
    while (s.executeStep()) rows.push_back(read_row(s));
    return rows;
}

std::optional<TrackedConversation> select_row(WriteContext& w, const ConversationKey& key) {
    auto& select = w.statement(kFindSql);
    select.bindNoCopy(1, key.channel);
    select.bindNoCopy(2, key.user);
    std::optional<TrackedConversation> row;
    if (select.executeStep()) row = read_row(select);
    select.reset();  // the read ends before the edit's write
    return row;
}

void upsert_row(WriteContext& w, const ConversationKey& key, const TrackedConversation& c) {
    auto& upsert = w.statement(kUpsertSql);
    upsert.bindNoCopy(1, key.channel);  // the job outlives the statement's use of them
    upsert.bindNoCopy(2, key.user);
    upsert.bind(3, action_word(c.opened_by));
    upsert.bind(4, seconds(c.window_opened_at));
    upsert.bind(5, seconds(c.last_action_at));
    upsert.bind(6, seconds(c.deadline));
    upsert.bind(7, c.quota_left);
    bind_time(upsert, 8, c.last_message_at);
    bind_time(upsert, 9, c.last_answer_at);
    upsert.bindNoCopy(10, c.last_excerpt);
    upsert.bind(11, static_cast<std::int64_t>(c.alerts_done));
    upsert.bind(12, c.nudged ? 1 : 0);
    bind_time(upsert, 13, c.next_alert_at);
    upsert.bindNoCopy(14, c.last_source_key);
    upsert.exec();
}

void delete_row(WriteContext& w, const ConversationKey& key) {
    auto& erase = w.statement(kDeleteSql);
    erase.bindNoCopy(1, key.channel);
    erase.bindNoCopy(2, key.user);
    erase.exec();
}

}  // namespace

Result<std::unique_ptr<SqliteConversationStore>> SqliteConversationStore::open(Database& db) {
    return std::unique_ptr<SqliteConversationStore>(new SqliteConversationStore(db));
}

SqliteConversationStore::~SqliteConversationStore() {
    // Jobs run in order: once this empty one is committed, every queued update is.
    if (!db_.writer().on_writer_thread()) {
        (void)db_.writer().run_status([](WriteContext&) { return ok_status(); });
    }
}

std::string_view SqliteConversationStore::due_sql() { return kDueSql; }
std::string_view SqliteConversationStore::next_due_sql() { return kNextDueSql; }
std::string_view SqliteConversationStore::upsert_sql() { return kUpsertSql; }

void SqliteConversationStore::update(std::vector<tickets::ConversationUpdate> updates,
                                     std::vector<tickets::Notification> notifications,
                                     tickets::time_point at, std::function<void(Status)> done) {
    db_.writer().submit(
        [updates = std::move(updates), notifications = std::move(notifications),
         at](WriteContext& w) mutable -> Status {
            // Each edit reads the row as the earlier ones left it: same job, same transaction.
            for (auto& u : updates) {
                std::optional<TrackedConversation> row = select_row(w, u.key);
                if (!u.edit(row)) continue;
                if (row) {
                    upsert_row(w, u.key, *row);
                } else {
                    delete_row(w, u.key);
                }
            }
            if (!notifications.empty()) insert_notifications(w, 0, notifications, at);
            return ok_status();
        },
        std::move(done));
}

Result<std::optional<TrackedConversation>> SqliteConversationStore::find(
    const ConversationKey& key) {
    return lookup<std::optional<TrackedConversation>>(db_, "conversation lookup",
                                                      [&](ReaderPool::Lease& lease) {
                                                          auto& select = lease.statement(kFindSql);
                                                          select.bindNoCopy(1, key.channel);
                                                          select.bindNoCopy(2, key.user);
                                                          std::optional<TrackedConversation> row;
                                                          if (select.executeStep())
                                                              row = read_row(select);
                                                          return row;
                                                      });
}

Result<std::vector<TrackedConversation>> SqliteConversationStore::due(tickets::time_point now,
                                                                      std::size_t limit) {
    if (limit == 0) return std::vector<TrackedConversation>{};
    const auto rows = static_cast<std::int64_t>(std::min<std::size_t>(limit, 1'000'000));
    return lookup<std::vector<TrackedConversation>>(db_, "conversations due",
                                                    [&](ReaderPool::Lease& lease) {
                                                        auto& select = lease.statement(kDueSql);
                                                        select.bind(1, seconds(now));
                                                        select.bind(2, rows);
                                                        return read_rows(select);
                                                    });
}

Result<std::optional<tickets::time_point>> SqliteConversationStore::next_due() {
    return lookup<std::optional<tickets::time_point>>(
        db_, "conversations next due", [&](ReaderPool::Lease& lease) {
            auto& select = lease.statement(kNextDueSql);
            std::optional<tickets::time_point> next;
            if (select.executeStep()) next = optional_time(select, 0);
            return next;
        });
}

Result<std::vector<TrackedConversation>> SqliteConversationStore::list(
    const tickets::ConversationQuery& q) {
    const auto limit =
        static_cast<std::int64_t>(std::clamp<std::size_t>(q.limit, 1, tickets::kMaxPageSize));
    // Fixed placeholder numbers, so each combination of filters is one cached statement. The
    // cursor is a row-value comparison, which SQLite seeks in conversations_deadline.
    std::string sql = "SELECT " GD_CONVERSATION_COLUMNS " FROM conversations WHERE 1";
    if (!q.channel.empty()) sql += " AND channel = ?1";
    if (q.open_at) sql += " AND deadline > ?2";
    if (q.after) sql += " AND (deadline, channel, user_id) > (?3, ?4, ?5)";
    sql += " ORDER BY deadline, channel, user_id LIMIT ?6";
    return lookup<std::vector<TrackedConversation>>(
        db_, "conversation list", [&](ReaderPool::Lease& lease) {
            auto& select = lease.statement(sql);
            if (!q.channel.empty()) select.bindNoCopy(1, q.channel);
            if (q.open_at) select.bind(2, seconds(*q.open_at));
            if (q.after) {
                select.bind(3, seconds(q.after->deadline));
                select.bindNoCopy(4, q.after->key.channel);
                select.bindNoCopy(5, q.after->key.user);
            }
            select.bind(6, limit);
            return read_rows(select);
        });
}

Result<std::size_t> SqliteConversationStore::count() {
    return lookup<std::size_t>(db_, "conversation count", [&](ReaderPool::Lease& lease) {
        auto& select = lease.statement(kCountSql);
        std::size_t n = 0;
        if (select.executeStep()) n = static_cast<std::size_t>(select.getColumn(0).getInt64());
        return n;
    });
}

#undef GD_CONVERSATION_COLUMNS

}  // namespace groupdesk::storage::sqlite
