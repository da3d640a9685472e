// What only the SQLite conversation store promises: due() and next_due() are index lookups, a
// callback's record builds no temporary B-tree, and the records survive a restart and step 8.
#include "storage/sqlite/sqlite_conversation_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <string>

#include "storage/sqlite/database.h"
#include "tests/storage/conversation_test_support.h"

namespace groupdesk::storage::sqlite {
namespace {

using namespace conversation_test;

// The worker asks for due rows every few seconds: a seek into conversations_next_alert (a
// partial index of the rows with work left), never a scan of every conversation, and no sort.
TEST(SqliteConversationStore, DueAndNextDueReadTheNextAlertIndex) {
    store_test::TempDir dir;
    auto db = store_test::open_db(dir.file("conversations.db"));
    ASSERT_TRUE(db);
    auto conn = db->connect(Database::Access::ReadOnly);
    ASSERT_TRUE(conn.ok());
    for (auto sql : {SqliteConversationStore::due_sql(), SqliteConversationStore::next_due_sql()}) {
        SQLite::Statement explain(**conn, "EXPLAIN QUERY PLAN " + std::string(sql));
        bool uses_index = false;
        while (explain.executeStep()) {
            const std::string line = explain.getColumn(3).getString();
            uses_index |= line.find("conversations_next_alert") != std::string::npos;
            EXPECT_EQ(line.find("TEMP B-TREE"), std::string::npos) << sql << "\n" << line;
            EXPECT_NE(line, "SCAN conversations") << sql;
        }
        EXPECT_TRUE(uses_index) << sql;
    }
}

// Every callback of a tracked channel runs this write. SQLite checks an IN list of more than two
// values by building a temporary B-tree first, each time the statement runs; step 8 spelled
// opened_by's CHECK as comparisons for that reason.
TEST(SqliteConversationStore, TheRecordOfACallbackBuildsNoTemporaryBTree) {
    store_test::TempDir dir;
    auto db = store_test::open_db(dir.file("conversations.db"));
    ASSERT_TRUE(db);
    auto conn = db->connect(Database::Access::ReadWrite);
    ASSERT_TRUE(conn.ok());
    SQLite::Statement explain(**conn,
                              "EXPLAIN " + std::string(SqliteConversationStore::upsert_sql()));
    int inserts = 0;
    while (explain.executeStep()) {
        const std::string opcode = explain.getColumn(1).getString();
        EXPECT_NE(opcode, "OpenEphemeral");
        inserts += opcode == "Insert" || opcode == "IdxInsert";
    }
    EXPECT_GT(inserts, 0);  // the program was read
}

// Step 7's table, as a file written by that build holds it (the CHECK with an IN list).
constexpr const char* kBackToStep7 =
    "ALTER TABLE conversations RENAME TO conversations8;"
    "CREATE TABLE conversations ("
    "  channel TEXT NOT NULL, user_id TEXT NOT NULL,"
    "  opened_by TEXT NOT NULL"
    "    CHECK (opened_by IN ('message', 'menu_click', 'follow', 'scan', 'unfollow')),"
    "  window_opened_at INTEGER NOT NULL, last_action_at INTEGER NOT NULL,"
    "  deadline INTEGER NOT NULL, quota_left INTEGER NOT NULL, last_message_at INTEGER,"
    "  last_answer_at INTEGER, last_excerpt TEXT NOT NULL, alerts_done INTEGER NOT NULL,"
    "  nudged INTEGER NOT NULL CHECK (nudged IN (0, 1)), next_alert_at INTEGER,"
    "  last_source_key TEXT NOT NULL, PRIMARY KEY (channel, user_id)) WITHOUT ROWID;"
    "INSERT INTO conversations SELECT * FROM conversations8;"
    "DROP TABLE conversations8;"
    "CREATE INDEX conversations_next_alert ON conversations (next_alert_at)"
    "  WHERE next_alert_at IS NOT NULL;"
    "CREATE INDEX conversations_deadline ON conversations (deadline, channel, user_id);"
    "PRAGMA user_version = 7;";

TEST(SqliteConversationStore, AStep7TableKeepsItsRowsAndItsRuleThroughStep8) {
    store_test::TempDir dir;
    const std::string path = dir.file("conversations.db");
    const TrackedConversation first = make_conversation("openid-1", kT + 48h, kT + 46h);
    TrackedConversation second = make_conversation("openid-2", kT + 47h, std::nullopt);
    second.opened_by = tickets::WindowAction::MenuClick;
    {
        auto db = store_test::open_db(path);
        ASSERT_TRUE(db);
        auto store = SqliteConversationStore::open(*db);
        ASSERT_TRUE(store.ok());
        ASSERT_TRUE(tickets::update_and_wait(**store, {put(first), put(second)}, {}, kT).ok());
    }
    {
        SQLite::Database conn(path, SQLite::OPEN_READWRITE);
        conn.exec(kBackToStep7);
    }

    auto db = store_test::open_db(path);
    ASSERT_TRUE(db);
    EXPECT_EQ(db->schema_version(), Database::latest_schema_version());
    auto store = SqliteConversationStore::open(*db);
    ASSERT_TRUE(store.ok());
    for (const auto& row : {first, second}) {
        auto stored = (*store)->find(row.key);
        ASSERT_TRUE(stored.ok() && *stored) << row.key.user;
        expect_same(**stored, row);
    }
    auto due = (*store)->due(kT + 46h, 10);  // through conversations_next_alert
    ASSERT_TRUE(due.ok());
    ASSERT_EQ(due->size(), 1u);
    EXPECT_EQ(due->front().key.user, "openid-1");

    auto conn = db->connect(Database::Access::ReadWrite);
    ASSERT_TRUE(conn.ok());
    EXPECT_THROW((*conn)->exec("UPDATE conversations SET opened_by = 'view'"), SQLite::Exception);
    for (const char* index : {"conversations_next_alert", "conversations_deadline"}) {
        SQLite::Statement exists(**conn,
                                 "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1");
        exists.bind(1, index);
        EXPECT_TRUE(exists.executeStep()) << index;
    }
}

TEST(SqliteConversationStore, RowsSurviveAReopen) {
    store_test::TempDir dir;
    const std::string path = dir.file("conversations.db");
    const TrackedConversation row = make_conversation("openid-1", kT + 48h, kT + 46h);
    {
        auto db = store_test::open_db(path);
        ASSERT_TRUE(db);
        auto store = SqliteConversationStore::open(*db);
        ASSERT_TRUE(store.ok());
        ASSERT_TRUE(tickets::update_and_wait(**store, {put(row)}, {}, kT).ok());
    }
    auto db = store_test::open_db(path);
    ASSERT_TRUE(db);
    auto store = SqliteConversationStore::open(*db);
    ASSERT_TRUE(store.ok());
    auto stored = (*store)->find(row.key);
    ASSERT_TRUE(stored.ok() && *stored);
    expect_same(**stored, row);
}

}  // namespace
}  // namespace groupdesk::storage::sqlite
