// What only the SQLite keyword store promises: rules, history and hits after a restart, the
// schema step they live in, and the constraints of its tables.
#include "storage/sqlite/sqlite_keyword_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "storage/sqlite/database.h"
#include "storage/sqlite/keyword_columns.h"
#include "tests/storage/keyword_test_support.h"
#include "tests/storage/store_test_support.h"

namespace groupdesk::storage::sqlite {
namespace {

using namespace keyword_test;

// A database file of its own per test; reopen() is a restart.
class SqliteKeywordStoreTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(reopen()); }
    void reopen() {
        store_.reset();
        db_.reset();
        db_ = store_test::open_db(path_);
        ASSERT_TRUE(db_);
        auto store = SqliteKeywordStore::open(*db_);
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::move(*store);
    }
    Status hit_and_wait(keywords::Hit hit) {
        std::promise<Status> promise;
        auto result = promise.get_future();
        store_->record_hit(std::move(hit),
                           [&promise](Status s) { promise.set_value(std::move(s)); });
        return result.get();
    }
    std::unique_ptr<SQLite::Database> connect() {
        auto conn = db_->connect(Database::Access::ReadWrite);
        EXPECT_TRUE(conn.ok());
        return conn.ok() ? std::move(*conn) : nullptr;
    }

    store_test::TempDir dir_;
    std::string path_ = dir_.file("keywords.db");
    std::unique_ptr<Database> db_;
    std::unique_ptr<SqliteKeywordStore> store_;
};

TEST_F(SqliteKeywordStoreTest, SchemaIsTheLatest) {
    EXPECT_GE(Database::latest_schema_version(), 6);
    EXPECT_EQ(db_->schema_version(), Database::latest_schema_version());
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(db_->schema_version(), Database::latest_schema_version());
}

// An import asks once per rule whether its origin is taken: that must be an index search, not a
// scan of every rule (10,000 rules imported again took 16 s with the scan, the writer held).
TEST_F(SqliteKeywordStoreTest, TheOriginLookupSearchesTheIndex) {
    auto conn = connect();
    ASSERT_TRUE(conn);
    SQLite::Statement plan(*conn,
                           std::string("EXPLAIN QUERY PLAN ") + keyword_columns::kOriginTakenSql);
    std::string details;
    while (plan.executeStep()) details += plan.getColumn(3).getString() + "\n";
    EXPECT_NE(details.find("USING INDEX keyword_rules_origin"), std::string::npos) << details;
    EXPECT_EQ(details.find("SCAN"), std::string::npos) << details;
}

TEST_F(SqliteKeywordStoreTest, RulesHistoryAndHitsSurviveARestart) {
    auto created = store_->apply({change(Op::Create, full_rule(), "import"),
                                  change(Op::Create, plain_rule("发票"), "import")});
    ASSERT_TRUE(created.ok());
    Rule edit = (*created)[0];
    edit.reply = "新的回复";
    auto updated = store_->apply(
        {change(Op::Update, edit, "lisi"), change(Op::Delete, (*created)[1], "lisi")});
    ASSERT_TRUE(updated.ok());
    ASSERT_TRUE(hit_and_wait(keywords::Hit{edit.id, "mp-main", "zhangsan", "zhangsan", kT}).ok());

    ASSERT_NO_FATAL_FAILURE(reopen());
    auto loaded = store_->load();
    ASSERT_TRUE(loaded.ok());
    ASSERT_EQ(loaded->size(), 1u);
    EXPECT_EQ(describe((*loaded)[0]), describe((*updated)[0]));
    auto versions = store_->history(edit.id);
    ASSERT_TRUE(versions.ok());
    ASSERT_EQ(versions->size(), 2u);
    EXPECT_EQ(describe((*versions)[1].after), describe((*updated)[0]));
    auto deleted = store_->history((*created)[1].id);
    ASSERT_TRUE(deleted.ok());
    ASSERT_EQ(deleted->size(), 2u);
    EXPECT_EQ((*deleted)[1].op, Op::Delete);
    // A new rule after the restart does not take the deleted rule's id.
    auto next = store_->apply({change(Op::Create, plain_rule("新"))});
    ASSERT_TRUE(next.ok());
    EXPECT_GT((*next)[0].id, (*created)[1].id);

    auto conn = connect();
    ASSERT_TRUE(conn);
    SQLite::Statement hits(*conn, "SELECT rule_id, channel, chat, sender, at FROM keyword_hits");
    ASSERT_TRUE(hits.executeStep());
    EXPECT_EQ(hits.getColumn(0).getInt64(), edit.id);
    EXPECT_EQ(hits.getColumn(1).getString(), "mp-main");
    EXPECT_EQ(hits.getColumn(4).getInt64(), 1'700'000'000);
    EXPECT_FALSE(hits.executeStep());
}

TEST_F(SqliteKeywordStoreTest, TheColumnsHoldJsonAndWords) {
    auto created = store_->apply({change(Op::Create, full_rule(), "import")});
    ASSERT_TRUE(created.ok());
    auto conn = connect();
    ASSERT_TRUE(conn);
    SQLite::Statement row(*conn,
                          "SELECT kind, keywords, match_type, scope, news IS NOT NULL, "
                          "active_start, active_end, deleted FROM keyword_rules");
    ASSERT_TRUE(row.executeStep());
    EXPECT_EQ(row.getColumn(0).getString(), "keyword");
    EXPECT_EQ(row.getColumn(1).getString(), R"(["怎么退款","发票","refund"])");
    EXPECT_EQ(row.getColumn(2).getString(), "regex");
    EXPECT_EQ(row.getColumn(3).getString(),
              R"({"channels":["mp-main","bot-ops"],"chats":["wrOgAAAA","zhangsan"]})");
    EXPECT_EQ(row.getColumn(4).getInt(), 1);
    EXPECT_EQ(row.getColumn(5).getInt(), 21 * 60);
    EXPECT_EQ(row.getColumn(6).getInt(), 9 * 60);
    EXPECT_EQ(row.getColumn(7).getInt(), 0);
    SQLite::Statement history(*conn,
                              "SELECT op, before_rule IS NULL, after_rule FROM keyword_history");
    ASSERT_TRUE(history.executeStep());
    EXPECT_EQ(history.getColumn(0).getString(), "create");
    EXPECT_EQ(history.getColumn(1).getInt(), 1);
    EXPECT_NE(history.getColumn(2).getString().find(R"("origin":"mp:mp-main:退款")"),
              std::string::npos);
}

TEST_F(SqliteKeywordStoreTest, TextThatIsNotUtf8IsRefusedNotAltered) {
    Rule broken = plain_rule("\xff\xfe");
    auto created =
        store_->apply({change(Op::Create, plain_rule("ok")), change(Op::Create, broken)});
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().code, ErrorCode::InvalidArgument);
    auto loaded = store_->load();
    ASSERT_TRUE(loaded.ok());
    EXPECT_TRUE(loaded->empty());
}

TEST_F(SqliteKeywordStoreTest, TheTablesRefuseOtherWords) {
    auto conn = connect();
    ASSERT_TRUE(conn);
    const std::string insert =
        "INSERT INTO keyword_rules (kind, keywords, match_type, reply, priority, scope, enabled, "
        "origin, created_by, created_at, updated_by, updated_at, version, deleted) VALUES ";
    EXPECT_THROW(conn->exec(insert + "('reply', '[]', 'exact', '', 0, '{}', 1, '', '', 0, '', 0, "
                                     "1, 0)"),
                 SQLite::Exception);
    EXPECT_THROW(conn->exec(insert + "('keyword', '[]', 'fuzzy', '', 0, '{}', 1, '', '', 0, '', "
                                     "0, 1, 0)"),
                 SQLite::Exception);
    conn->exec(insert + "('keyword', '[]', 'exact', '', 0, '{}', 1, '', '', 0, '', 0, 1, 0)");
    EXPECT_THROW(conn->exec("INSERT INTO keyword_history (rule_id, version, op, actor, at) VALUES "
                            "(1, 2, 'rename', '', 0)"),
                 SQLite::Exception);
}

}  // namespace
}  // namespace groupdesk::storage::sqlite
