// What only the SQLite dedup store promises: restart, group commit, failed commits, migrations,
// and the database file refusing what it cannot serve.
#include "storage/sqlite/sqlite_dedup_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <future>
#include <latch>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/database.h"
#include "tests/storage/store_test_support.h"
#include "tests/support/memory_dedup_store.h"

namespace groupdesk::storage::sqlite {
namespace {

using namespace store_test;

// --- SQLite only --------------------------------------------------------------------------

std::unique_ptr<::SQLite::Database> raw_connection(Database& db) {
    auto conn = db.connect(Database::Access::ReadWrite);
    EXPECT_TRUE(conn.ok());
    return conn.ok() ? std::move(*conn) : nullptr;
}

// A database file of its own per test; reopen() is a restart.
class SqliteTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(reopen()); }
    void reopen() {
        store_.reset();
        db_.reset();
        db_ = open_db(path_);
        ASSERT_TRUE(db_);
        store_ = open_store(*db_);
        ASSERT_TRUE(store_);
    }

    TempDir dir_;
    std::string path_ = dir_.file("test.db");
    std::unique_ptr<Database> db_;
    std::unique_ptr<SqliteDedupStore> store_;
};

TEST_F(SqliteTest, RecordSurvivesARestart) {
    ASSERT_TRUE(record_and_wait(*store_, "app|7", "answer", at(1000)).ok());
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(find_ok(*store_, "app|7"), "answer");
}

TEST_F(SqliteTest, CloseCommitsEverythingQueued) {
    std::atomic<int> ok{0};
    for (int i = 0; i < 100; ++i) {
        store_->record(key_of("k", i), "a", at(1000), [&](const Status& s) {
            if (s.ok()) ++ok;
        });
    }
    store_->close();  // no waiting on the callbacks first
    EXPECT_EQ(ok.load(), 100);
    Status late = record_and_wait(*store_, "late", "a", at(1000));
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::Unavailable);

    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(find_ok(*store_, "k0"), "a");
    EXPECT_EQ(find_ok(*store_, "k99"), "a");
    EXPECT_EQ(find_ok(*store_, "late"), std::nullopt);
}

TEST_F(SqliteTest, ConcurrentRecordsShareCommits) {
    // The first record's callback holds the writer until every other record is queued, so
    // those can only go out together: batching shown without relying on timing.
    constexpr int kThreads = 4;
    constexpr int kPerThread = 50;
    constexpr int kRecords = 1 + kThreads * kPerThread;
    std::latch all_queued(1);
    std::latch all_done(kRecords);
    std::atomic<int> failures{0};
    auto done = [&](const Status& s) {
        if (!s.ok()) ++failures;
        all_done.count_down();
    };
    store_->record("first", "a", at(1000), [&](const Status& s) {
        all_queued.wait();
        done(s);
    });
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                store_->record(key_of("t", t, i), "a", at(1000), done);
            }
        });
    }
    for (auto& thread : threads) thread.join();
    all_queued.count_down();
    all_done.wait();

    EXPECT_EQ(failures.load(), 0);
    EXPECT_GE(store_->commits(), 1u);
    EXPECT_LE(store_->commits(), 2u);
    EXPECT_LT(store_->commits(), static_cast<std::uint64_t>(kRecords));
    EXPECT_EQ(find_ok(*store_, "t3-49"), "a");
}

TEST_F(SqliteTest, FailingCommitReportsUnavailable) {
    ASSERT_TRUE(record_and_wait(*store_, "before", "a", at(1000)).ok());
    const auto commits = store_->commits();
    auto conn = raw_connection(*db_);
    ASSERT_TRUE(conn);
    conn->exec("DROP TABLE dedup");

    Status status = record_and_wait(*store_, "after", "a", at(1000));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
    EXPECT_EQ(store_->commits(), commits);
    auto found = store_->find("before");
    ASSERT_FALSE(found.ok());
    EXPECT_EQ(found.error().code, ErrorCode::Unavailable);
    auto swept = store_->expire_before(at(5000), 10);
    ASSERT_FALSE(swept.ok());
    EXPECT_EQ(swept.error().code, ErrorCode::Unavailable);
}

TEST_F(SqliteTest, MigrationsAreIdempotent) {
    EXPECT_GE(Database::latest_schema_version(), 1);
    EXPECT_EQ(db_->schema_version(), Database::latest_schema_version());
    ASSERT_TRUE(record_and_wait(*store_, "k", "a", at(1000)).ok());
    // Opened again twice: the second and third opens find nothing left to apply. (One open at a
    // time: the lock file keeps a second open of the same file out.)
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(db_->schema_version(), Database::latest_schema_version());
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(db_->schema_version(), Database::latest_schema_version());
    EXPECT_EQ(find_ok(*store_, "k"), "a");
}

TEST_F(SqliteTest, ConnectionsAreWalWithFullSync) {
    auto conn = raw_connection(*db_);
    ASSERT_TRUE(conn);
    EXPECT_EQ(conn->execAndGet("PRAGMA journal_mode").getString(), "wal");
    EXPECT_EQ(conn->execAndGet("PRAGMA synchronous").getInt(), 2);  // FULL
    EXPECT_EQ(conn->execAndGet("PRAGMA foreign_keys").getInt(), 1);
    EXPECT_GT(conn->execAndGet("PRAGMA busy_timeout").getInt(), 0);
    EXPECT_TRUE(db_->health().ok());
}

TEST(SqliteDatabase, RefusesASchemaFromANewerBuild) {
    TempDir dir;
    const std::string path = dir.file("newer.db");
    {
        auto db = open_db(path);
        ASSERT_TRUE(db);
        auto conn = raw_connection(*db);
        ASSERT_TRUE(conn);
        conn->exec("PRAGMA user_version = " +
                   std::to_string(Database::latest_schema_version() + 1));
    }
    auto db = Database::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, ErrorCode::FailedPrecondition);
    EXPECT_NE(db.error().message.find(path), std::string::npos);
}

TEST(SqliteDatabase, OpenFailureNamesThePath) {
    TempDir dir;
    const std::string path = dir.file("missing-dir/x.db");
    auto db = Database::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.error().message.find(path), std::string::npos);
    EXPECT_NE(db.error().detail, 0);
}

TEST(SqliteDatabase, NotADatabaseIsRefused) {
    TempDir dir;
    const std::string path = dir.file("garbage.db");
    {
        std::FILE* f = std::fopen(path.c_str(), "wb");
        ASSERT_NE(f, nullptr);
        const std::string junk(4096, 'x');
        std::fwrite(junk.data(), 1, junk.size(), f);
        std::fclose(f);
    }
    auto db = Database::open(path);
    ASSERT_FALSE(db.ok());
    EXPECT_NE(db.error().message.find(path), std::string::npos);
}

}  // namespace
}  // namespace groupdesk::storage::sqlite
