// What only the SQLite outbox promises: pending rows resume after a restart, the schema they
// need, and a due() that reads the backlog through indexes rather than every sent row.
#include "storage/sqlite/sqlite_outbox_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/sqlite/database.h"
#include "tests/storage/outbox_test_support.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace groupdesk::storage::sqlite {
namespace {

using namespace outbox_test;
using namespace std::chrono_literals;

const tickets::time_point kT = at(1'700'000'000);

// A database file of its own per test; reopen() is a restart.
class SqliteOutboxStoreTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(reopen()); }
    void reopen() {
        tickets_.reset();
        outbox_.reset();
        db_.reset();
        db_ = store_test::open_db(path_);
        ASSERT_TRUE(db_);
        auto tickets = SqliteTicketStore::open(*db_);
        auto outbox = SqliteOutboxStore::open(*db_);
        ASSERT_TRUE(tickets.ok() && outbox.ok());
        tickets_ = std::move(*tickets);
        outbox_ = std::move(*outbox);
    }

    // The plan SQLite picks for `sql`, one detail line per step.
    std::vector<std::string> plan(std::string_view sql) {
        auto conn = db_->connect(Database::Access::ReadOnly);
        EXPECT_TRUE(conn.ok());
        std::vector<std::string> lines;
        if (!conn.ok()) return lines;
        SQLite::Statement explain(**conn, "EXPLAIN QUERY PLAN " + std::string(sql));
        while (explain.executeStep()) lines.push_back(explain.getColumn(3).getString());
        return lines;
    }

    store_test::TempDir dir_;
    std::string path_ = dir_.file("outbox.db");
    std::unique_ptr<Database> db_;
    std::unique_ptr<SqliteOutboxStore> outbox_;
    std::unique_ptr<SqliteTicketStore> tickets_;
};

TEST_F(SqliteOutboxStoreTest, SchemaHasTheOutboxTables) {
    EXPECT_GE(Database::latest_schema_version(), 4);
    EXPECT_EQ(db_->schema_version(), Database::latest_schema_version());
    auto conn = db_->connect(Database::Access::ReadOnly);
    ASSERT_TRUE(conn.ok());
    for (const char* table : {"outbox", "response_urls"}) {
        SQLite::Statement exists(**conn, "SELECT 1 FROM sqlite_master WHERE name = ?1");
        exists.bind(1, table);
        EXPECT_TRUE(exists.executeStep()) << table;
    }
}

TEST_F(SqliteOutboxStoreTest, PendingRowsResumeAfterARestart) {
    Ticket t = make_ticket(reserve(*tickets_));
    t.updated_at = kT;
    TicketChange change = create_change(t);
    for (const char* target : {"a", "a", "b"})
        change.notifications.push_back(make_notification(target));
    ASSERT_TRUE(apply_and_wait(*tickets_, change).ok());
    const auto rows = ids(due_ok(*outbox_, kT));
    ASSERT_EQ(rows.size(), 2u);  // a's head and b
    ASSERT_TRUE(outbox_->mark_sent(rows[0], kT, 1).ok());
    ASSERT_TRUE(outbox_->reschedule(rows[1], kT + std::chrono::seconds(30), 1, -1, "timeout").ok());

    ASSERT_NO_FATAL_FAILURE(reopen());
    auto due = due_ok(*outbox_, kT + std::chrono::seconds(30));
    ASSERT_EQ(due.size(), 2u);
    EXPECT_EQ(due[0].target, "a");  // a's second row
    EXPECT_EQ(due[1].id, rows[1]);
    EXPECT_EQ(due[1].attempts, 1);
    EXPECT_EQ(due[1].last_error, "timeout");
    auto sent = find_ok(*outbox_, rows[0]);
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->state, DeliveryState::Sent);
    EXPECT_EQ(outbox_->backlog()->pending, 2u);
}

// due() and next_due() step from one conversation to the next through outbox_heads and find
// each head with a seek there: no step scans the outbox table (scanning the recursive list of
// conversations is what the query is meant to do).
TEST_F(SqliteOutboxStoreTest, DueAndNextDueUseIndexes) {
    for (auto sql : {SqliteOutboxStore::due_sql(), SqliteOutboxStore::next_due_sql()}) {
        const auto lines = plan(sql);
        ASSERT_FALSE(lines.empty());
        for (const auto& line : lines) {
            const bool scans_a_table =
                line.rfind("SCAN", 0) == 0 && line != "SCAN keys" && line != "SCAN CONSTANT ROW";
            EXPECT_FALSE(scans_a_table) << sql << "\n" << line;
        }
        bool heads = false;
        for (const auto& line : lines) heads |= line.find("outbox_heads") != std::string::npos;
        EXPECT_TRUE(heads) << sql;
    }
}

// Step 6's outbox, as a file written by that build holds it: ticket NOT NULL, no kind. Made from a
// current file by undoing step 7, with the AUTOINCREMENT sequence past the highest id still
// stored (rows above it were deleted, as a retention sweep might).
constexpr const char* kBackToStep6 =
    "DROP TABLE conversations;"
    "ALTER TABLE outbox RENAME TO outbox7;"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  ticket INTEGER NOT NULL REFERENCES tickets (number),"
    "  route TEXT NOT NULL, channel TEXT NOT NULL, target TEXT NOT NULL,"
    "  order_key TEXT NOT NULL, markdown INTEGER NOT NULL, text TEXT NOT NULL,"
    "  mentions TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, sent_at INTEGER,"
    "  last_errcode INTEGER NOT NULL, last_error TEXT NOT NULL);"
    "INSERT INTO outbox SELECT id, ticket, route, channel, target, order_key, markdown, text,"
    "  mentions, state, attempts, created_at, next_attempt_at, sent_at, last_errcode, last_error"
    "  FROM outbox7;"
    "DROP TABLE outbox7;"
    "CREATE INDEX outbox_heads ON outbox (state, order_key, id);"
    "CREATE INDEX outbox_next ON outbox (state, next_attempt_at);"
    "CREATE INDEX outbox_state ON outbox (state, id);"
    "CREATE INDEX outbox_ticket ON outbox (ticket, id);"
    "UPDATE sqlite_sequence SET seq = 100 WHERE name = 'outbox';"
    "PRAGMA user_version = 6;";

TEST_F(SqliteOutboxStoreTest, AStep6OutboxKeepsItsRowsThroughStep7) {
    Ticket t = make_ticket(reserve(*tickets_));
    t.updated_at = kT;
    TicketChange change = create_change(t);
    for (const char* target : {"a", "a", "b"})
        change.notifications.push_back(make_notification(target));
    ASSERT_TRUE(apply_and_wait(*tickets_, change).ok());
    const auto first = all_rows(*outbox_);
    ASSERT_EQ(first.size(), 3u);
    ASSERT_TRUE(outbox_->mark_sent(first[2].id, kT + 1s, 1).ok());
    ASSERT_TRUE(outbox_->reschedule(first[0].id, kT + 60s, 1, -1, "timeout").ok());
    const auto before = all_rows(*outbox_);
    tickets_.reset();
    outbox_.reset();
    db_.reset();
    {
        SQLite::Database conn(path_, SQLite::OPEN_READWRITE);
        conn.exec(kBackToStep6);
    }

    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(db_->schema_version(), Database::latest_schema_version());
    const auto after = all_rows(*outbox_);
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
        expect_same_message(after[i], before[i]);
        EXPECT_EQ(after[i].id, before[i].id);
        EXPECT_EQ(after[i].ticket, t.number);
        EXPECT_EQ(after[i].kind, tickets::NotificationKind::Ticket);
        EXPECT_EQ(after[i].state, before[i].state);
        EXPECT_EQ(after[i].attempts, before[i].attempts);
        EXPECT_EQ(after[i].created_at, before[i].created_at);
        EXPECT_EQ(after[i].next_attempt_at, before[i].next_attempt_at);
        EXPECT_EQ(after[i].sent_at, before[i].sent_at);
        EXPECT_EQ(after[i].last_errcode, before[i].last_errcode);
        EXPECT_EQ(after[i].last_error, before[i].last_error);
    }
    EXPECT_EQ(ids(due_ok(*outbox_, kT + 60s)),
              (std::vector<std::int64_t>{before[1].id, before[0].id}));

    auto next = outbox_->enqueue({make_notification("c")}, kT);
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(next->at(0), 101);  // never an id handed out before

    auto conn = db_->connect(Database::Access::ReadOnly);
    ASSERT_TRUE(conn.ok());
    for (const char* index :
         {"outbox_heads", "outbox_next", "outbox_state", "outbox_ticket", "outbox_order_key",
          "conversations_next_alert", "conversations_deadline"}) {
        SQLite::Statement exists(**conn,
                                 "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1");
        exists.bind(1, index);
        EXPECT_TRUE(exists.executeStep()) << index;
    }
    SQLite::Statement fk_check(**conn, "PRAGMA foreign_key_check");
    EXPECT_FALSE(fk_check.executeStep());
}

// A row about no ticket holds NULL, not a ticket number 0 the foreign key would refuse.
TEST_F(SqliteOutboxStoreTest, ARowOnNoTicketStoresNull) {
    Notification message = make_notification("openid-1");
    message.kind = tickets::NotificationKind::Message;
    auto id = outbox_->enqueue({message}, kT);
    ASSERT_TRUE(id.ok()) << id.error().message;
    auto conn = db_->connect(Database::Access::ReadOnly);
    ASSERT_TRUE(conn.ok());
    SQLite::Statement row(**conn, "SELECT ticket IS NULL, kind FROM outbox WHERE id = ?1");
    row.bind(1, id->at(0));
    ASSERT_TRUE(row.executeStep());
    EXPECT_EQ(row.getColumn(0).getInt(), 1);
    EXPECT_EQ(row.getColumn(1).getString(), "message");
    EXPECT_EQ(ids(list_ok(*outbox_, {.ticket = 0})), (std::vector<std::int64_t>{id->at(0)}));
    // A ticket that does not exist is refused: the foreign key still holds.
    Notification stray = make_notification("openid-2");
    stray.ticket = 424242;
    EXPECT_FALSE(outbox_->enqueue({stray}, kT).ok());
    EXPECT_EQ(all_rows(*outbox_).size(), 1u);
}

}  // namespace
}  // namespace groupdesk::storage::sqlite
