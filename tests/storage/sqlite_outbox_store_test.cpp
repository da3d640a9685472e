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

namespace groupdesk::storage::sqlite {
namespace {

using namespace outbox_test;

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
            const bool scans_a_table = line.rfind("SCAN", 0) == 0 && line != "SCAN keys" &&
                                       line != "SCAN CONSTANT ROW";
            EXPECT_FALSE(scans_a_table) << sql << "\n" << line;
        }
        bool heads = false;
        for (const auto& line : lines) heads |= line.find("outbox_heads") != std::string::npos;
        EXPECT_TRUE(heads) << sql;
    }
}

}  // namespace
}  // namespace groupdesk::storage::sqlite
