// What only the SQLite conversation store promises: due() and next_due() are index lookups, and
// the records survive a restart.
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
