// DedupStore contract, run against every backend; then what only the SQLite backend promises:
// restart, group commit, failed commits, migrations.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
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
#include "storage/sqlite/sqlite_dedup_store.h"
#include "tests/support/memory_dedup_store.h"

namespace groupdesk::storage::sqlite {
namespace {

namespace fs = std::filesystem;
using handlers::DedupStore;
using time_point = DedupStore::time_point;

time_point at(std::int64_t seconds) { return time_point{std::chrono::seconds{seconds}}; }

// "<prefix><a>" or "<prefix><a>-<b>"; appended, since GCC 12 misreports `"x" + std::string`.
std::string key_of(std::string prefix, int a, int b = -1) {
    prefix += std::to_string(a);
    if (b >= 0) {
        prefix += '-';
        prefix += std::to_string(b);
    }
    return prefix;
}

// A fresh directory under the system temp dir, removed with everything in it (-wal, -shm).
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "groupdesk-store-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

Status record_and_wait(DedupStore& store, std::string key, std::string answer, time_point when) {
    std::promise<Status> promise;
    auto result = promise.get_future();
    store.record(std::move(key), std::move(answer), when,
                 [&promise](Status s) { promise.set_value(std::move(s)); });
    return result.get();
}

std::optional<std::string> find_ok(DedupStore& store, std::string_view key) {
    auto found = store.find(key);
    EXPECT_TRUE(found.ok()) << (found.ok() ? "" : found.error().message);
    return found.ok() ? *found : std::nullopt;
}

std::unique_ptr<Database> open_db(const std::string& path) {
    auto db = Database::open(path);
    EXPECT_TRUE(db.ok()) << (db.ok() ? "" : db.error().message);
    return db.ok() ? std::move(*db) : nullptr;
}

std::unique_ptr<SqliteDedupStore> open_store(Database& db) {
    auto store = SqliteDedupStore::open(db);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(*store) : nullptr;
}

// --- The contract, for every backend ------------------------------------------------------

struct Backend {
    std::unique_ptr<TempDir> dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<DedupStore> store;  // declared last: closes before the database
};

Backend memory_backend() {
    return Backend{nullptr, nullptr, std::make_unique<test::MemoryDedupStore>()};
}

Backend sqlite_backend() {
    Backend backend;
    backend.dir = std::make_unique<TempDir>();
    backend.db = open_db(backend.dir->file("dedup.db"));
    if (backend.db) backend.store = open_store(*backend.db);
    return backend;
}

struct BackendParam {
    std::string name;
    Backend (*make)();
};

void PrintTo(const BackendParam& param, std::ostream* os) { *os << param.name; }

class DedupStoreContract : public ::testing::TestWithParam<BackendParam> {
protected:
    void SetUp() override {
        backend_ = GetParam().make();
        ASSERT_TRUE(backend_.store);
    }
    DedupStore& store() { return *backend_.store; }

    Backend backend_;
};

TEST_P(DedupStoreContract, FindsWhatWasRecorded) {
    EXPECT_EQ(find_ok(store(), "app|1"), std::nullopt);
    ASSERT_TRUE(record_and_wait(store(), "app|1", "{\"reply\":1}", at(1000)).ok());
    EXPECT_EQ(find_ok(store(), "app|1"), "{\"reply\":1}");
    EXPECT_EQ(find_ok(store(), "app|2"), std::nullopt);
}

TEST_P(DedupStoreContract, KeysAndAnswersAreKeptByteForByte) {
    const std::string key = std::string("app\x1f", 4) + "键" + std::string(1, '\0') + "x";
    const std::string answer = "回复 \"quoted\"\n";
    ASSERT_TRUE(record_and_wait(store(), key, answer, at(1000)).ok());
    EXPECT_EQ(find_ok(store(), key), answer);
    EXPECT_EQ(find_ok(store(), std::string("app\x1f", 4) + "键"), std::nullopt);
}

TEST_P(DedupStoreContract, FirstRecordWins) {
    ASSERT_TRUE(record_and_wait(store(), "k", "first", at(1000)).ok());
    ASSERT_TRUE(record_and_wait(store(), "k", "second", at(2000)).ok());
    EXPECT_EQ(find_ok(store(), "k"), "first");
    // ...and keeps its own time: the second record did not make it younger.
    auto removed = store().expire_before(at(1500), 10);
    ASSERT_TRUE(removed.ok());
    EXPECT_EQ(*removed, 1u);
}

TEST_P(DedupStoreContract, DoneIsCalledOnceWithOk) {
    std::promise<void> called;
    std::atomic<int> calls{0};
    store().record("k", "a", at(1000), [&](Status s) {
        EXPECT_TRUE(s.ok());
        if (calls.fetch_add(1) == 0) called.set_value();
    });
    called.get_future().get();
    // Once the record is visible, its callback has run; a second call would have to be a bug.
    EXPECT_EQ(find_ok(store(), "k"), "a");
    ASSERT_TRUE(record_and_wait(store(), "other", "b", at(1000)).ok());
    EXPECT_EQ(calls.load(), 1);
}

TEST_P(DedupStoreContract, ExpireRemovesOnlyRecordsMadeBeforeTheCutoff) {
    ASSERT_TRUE(record_and_wait(store(), "old1", "a", at(1000)).ok());
    ASSERT_TRUE(record_and_wait(store(), "old2", "a", at(1999)).ok());
    ASSERT_TRUE(record_and_wait(store(), "edge", "a", at(2000)).ok());
    ASSERT_TRUE(record_and_wait(store(), "new", "a", at(3000)).ok());

    auto removed = store().expire_before(at(2000), 100);
    ASSERT_TRUE(removed.ok());
    EXPECT_EQ(*removed, 2u);
    EXPECT_EQ(find_ok(store(), "old1"), std::nullopt);
    EXPECT_EQ(find_ok(store(), "old2"), std::nullopt);
    EXPECT_EQ(find_ok(store(), "edge"), "a");
    EXPECT_EQ(find_ok(store(), "new"), "a");
}

TEST_P(DedupStoreContract, ExpireHonoursTheLimit) {
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(record_and_wait(store(), key_of("old", i), "a", at(1000 + i)).ok());
    }
    ASSERT_TRUE(record_and_wait(store(), "new", "a", at(5000)).ok());

    std::vector<std::size_t> batches;
    for (;;) {
        auto removed = store().expire_before(at(4000), 2);
        ASSERT_TRUE(removed.ok());
        batches.push_back(*removed);
        if (*removed == 0) break;
        ASSERT_LE(batches.size(), 10u);
    }
    EXPECT_EQ(batches, (std::vector<std::size_t>{2, 2, 1, 0}));
    auto none = store().expire_before(at(4000), 0);
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(*none, 0u);
    EXPECT_EQ(find_ok(store(), "new"), "a");
}

TEST_P(DedupStoreContract, ConcurrentRecordsAndFindsFromSeveralThreads) {
    constexpr int kThreads = 6;
    constexpr int kPerThread = 40;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                const std::string key = key_of("t", t, i);
                if (!record_and_wait(store(), key, key + "!", at(1000)).ok()) ++failures;
                // Own record is visible once durable; the other threads' keys may or may not be.
                auto own = store().find(key);
                if (!own.ok() || *own != std::optional<std::string>(key + "!")) ++failures;
                auto other = store().find(key_of("t", (t + 1) % kThreads, 0));
                if (!other.ok()) ++failures;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(failures.load(), 0);
    for (int t = 0; t < kThreads; ++t) {
        for (int i = 0; i < kPerThread; ++i) {
            const std::string key = key_of("t", t, i);
            EXPECT_EQ(find_ok(store(), key), key + "!");
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, DedupStoreContract,
                         ::testing::Values(BackendParam{"memory", &memory_backend},
                                           BackendParam{"sqlite", &sqlite_backend}),
                         [](const ::testing::TestParamInfo<BackendParam>& info) {
                             return info.param.name;
                         });

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
        store_->record(key_of("k", i), "a", at(1000), [&](Status s) {
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
    auto done = [&](Status s) {
        if (!s.ok()) ++failures;
        all_done.count_down();
    };
    store_->record("first", "a", at(1000), [&](Status s) {
        all_queued.wait();
        done(std::move(s));
    });
    std::vector<std::thread> threads;
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
    // A second open while the first is still open, then one after both closed.
    auto second = open_db(path_);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->schema_version(), Database::latest_schema_version());
    second.reset();
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
    EXPECT_TRUE(db_->ping().ok());
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
