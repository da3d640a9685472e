// The writer's health, seen through SqliteDedupStore::health(), and the faults it reports: a moved
// database file (which also makes every commit fail), a held write lock, a full disk, a frozen
// disk, a closed store.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_dedup_store.h"
#include "tests/storage/store_test_support.h"
#include "tests/support/fault_fs.h"

namespace groupdesk::storage::sqlite {
namespace {

using namespace store_test;
using namespace std::chrono_literals;

// Short enough for tests (busy timeout, probe interval, stall); the defaults are seconds.
constexpr DatabaseOptions kFastOptions{200ms, {100ms, 500ms}};
// Only a bound against a hung test; passing tests never wait this long.
constexpr auto kBound = 15s;

bool eventually(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + kBound;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

std::string message_of(const Status& status) { return status.ok() ? "ok" : status.error().message; }

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class WriteHealthTest : public ::testing::Test {
protected:
    // Opens the database at `path` (default: in the test's directory) with fast probes.
    void open(const std::string& path) {
        path_ = path;
        auto db = Database::open(path_, kFastOptions);
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
        auto store = SqliteDedupStore::open(*db_);
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::move(*store);
    }
    bool health_says(const std::string& part) {
        return contains(message_of(store_->health()), part);
    }

    TempDir dir_;
    std::unique_ptr<test::Mount> mount_;  // before the store: unmounted after it closed
    std::string path_;
    std::unique_ptr<Database> db_;
    std::unique_ptr<SqliteDedupStore> store_;
};

TEST_F(WriteHealthTest, HealthyWhileWritesWorkAndNotOnceClosed) {
    ASSERT_NO_FATAL_FAILURE(open(dir_.file("test.db")));
    EXPECT_TRUE(store_->health().ok());
    ASSERT_TRUE(record_and_wait(*store_, "k", "a", at(1000)).ok());
    EXPECT_TRUE(store_->health().ok()) << message_of(store_->health());
    store_->close();
    EXPECT_TRUE(health_says("closed")) << message_of(store_->health());
}

void expect_moved_failure(SqliteDedupStore& store, const std::string& path) {
    const auto commits = store.commits();
    Status status = record_and_wait(store, "after", "a", at(1000));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
    EXPECT_TRUE(contains(status.error().message, "database file " + path +
                                                     " was deleted or replaced while GroupDesk "
                                                     "was running"))
        << status.error().message;
    EXPECT_EQ(store.commits(), commits);
    EXPECT_TRUE(contains(message_of(store.health()), "deleted or replaced"))
        << message_of(store.health());
}

TEST_F(WriteHealthTest, ADeletedFileFailsTheNextRecordAndTheHealthCheck) {
    ASSERT_NO_FATAL_FAILURE(open(dir_.file("test.db")));
    ASSERT_TRUE(record_and_wait(*store_, "before", "a", at(1000)).ok());
    std::filesystem::remove(path_);
    expect_moved_failure(*store_, path_);
}

TEST_F(WriteHealthTest, AFileRenamedOverTheDatabaseFailsTheNextRecordAndTheHealthCheck) {
    ASSERT_NO_FATAL_FAILURE(open(dir_.file("test.db")));
    ASSERT_TRUE(record_and_wait(*store_, "before", "a", at(1000)).ok());
    const std::string other = dir_.file("other.db");
    {
        SQLite::Database replacement(other, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        replacement.exec("CREATE TABLE t (x INTEGER)");
    }
    std::filesystem::rename(other, path_);
    expect_moved_failure(*store_, path_);
}

TEST_F(WriteHealthTest, TheIdleProbeNoticesADeletedFile) {
    ASSERT_NO_FATAL_FAILURE(open(dir_.file("test.db")));
    std::filesystem::remove(path_);
    EXPECT_TRUE(eventually([&] { return health_says("deleted or replaced"); }))
        << message_of(store_->health());
}

TEST_F(WriteHealthTest, AHeldWriteLockShowsAsLockedUntilReleased) {
    ASSERT_NO_FATAL_FAILURE(open(dir_.file("test.db")));
    auto other = db_->connect(Database::Access::ReadWrite);
    ASSERT_TRUE(other.ok());
    (*other)->exec("BEGIN IMMEDIATE");

    Status status = record_and_wait(*store_, "k", "a", at(1000));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
    EXPECT_TRUE(health_says("database is locked")) << message_of(store_->health());
    // What /healthz may show: our own words, no SQLite text.
    Status health = store_->health();
    ASSERT_FALSE(health.ok());
    EXPECT_EQ(health.error().public_reason, "database writes failing: locked by another process");

    (*other)->exec("COMMIT");
    EXPECT_TRUE(eventually([&] { return store_->health().ok(); })) << message_of(store_->health());
    EXPECT_TRUE(record_and_wait(*store_, "k", "a", at(1000)).ok());
}

// Writes zeros to `path` until the filesystem is full.
void fill(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    const std::vector<char> chunk(std::size_t{64} * 1024, '\0');
    while (std::fwrite(chunk.data(), 1, chunk.size(), f) == chunk.size() && std::fflush(f) == 0) {
    }
    std::fclose(f);
}

TEST_F(WriteHealthTest, AFullDiskShowsUntilSpaceIsFreed) {
    std::string why;
    mount_ = test::Mount::tmpfs(dir_.file("fs"), "2m", why);
    if (!mount_) GTEST_SKIP() << why;
    ASSERT_NO_FATAL_FAILURE(open(mount_->target() + "/test.db"));
    const std::string filler = mount_->target() + "/filler";
    ASSERT_NO_FATAL_FAILURE(fill(filler));

    // Larger than the WAL so far: the commit needs new blocks.
    Status status =
        record_and_wait(*store_, "k", std::string(std::size_t{256} * 1024, 'x'), at(1000));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
    EXPECT_TRUE(health_says("database or disk is full")) << message_of(store_->health());
    EXPECT_EQ(store_->health().error().public_reason, "database writes failing: disk full");

    std::filesystem::remove(filler);
    EXPECT_TRUE(eventually([&] { return store_->health().ok(); })) << message_of(store_->health());
    EXPECT_TRUE(record_and_wait(*store_, "k", "a", at(1000)).ok());
}

TEST_F(WriteHealthTest, AFrozenDiskShowsAsStalledWhileTheWriterWaits) {
    std::string why;
    mount_ = test::Mount::ext4_image(dir_.file("disk.img"), dir_.file("fs"), 16, why);
    if (!mount_) GTEST_SKIP() << why;
    ASSERT_NO_FATAL_FAILURE(open(mount_->target() + "/test.db"));
    ASSERT_TRUE(record_and_wait(*store_, "before", "a", at(1000)).ok());

    auto freeze = std::make_unique<test::Freeze>(mount_->target(), why);
    if (!freeze->frozen()) GTEST_SKIP() << why;
    std::promise<Status> promise;
    auto done = promise.get_future();
    store_->record("k", "a", at(1000), [&promise](Status s) { promise.set_value(std::move(s)); });

    // health() answers while the writer is stuck on the disk, and names the stall.
    EXPECT_TRUE(eventually([&] { return health_says("database writes stalled for"); }))
        << message_of(store_->health());
    EXPECT_EQ(done.wait_for(0s), std::future_status::timeout);

    freeze->thaw();
    ASSERT_EQ(done.wait_for(kBound), std::future_status::ready);
    EXPECT_TRUE(done.get().ok());
    EXPECT_TRUE(eventually([&] { return store_->health().ok(); })) << message_of(store_->health());
}

}  // namespace
}  // namespace groupdesk::storage::sqlite
