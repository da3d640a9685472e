// The KnownChatStore contract (tickets/known_chat_store.h), run against every backend (memory,
// SQLite), and what only SQLite promises: the records survive a restart, in the table of
// schema step 5.
// Readings of the contract stated here, where its comments leave room:
// - A chat is keyed by channel and chat id together: the same id under another bot is another
//   chat.
// - "The first record stays" covers the kind too: a later call with the other kind changes
//   nothing and still reports success.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_known_chat_store.h"
#include "tests/storage/store_backends.h"
#include "tests/storage/store_test_support.h"
#include "tests/support/memory_known_chat_store.h"

namespace groupdesk::storage::sqlite {
namespace {

using store_test::at;
using tickets::GroupKind;
using tickets::KnownChatStore;

using Backend = store_test::Backend<KnownChatStore>;
using BackendParam = store_test::BackendParam<KnownChatStore>;
constexpr auto memory_backend =
    &store_test::memory_backend<KnownChatStore, test::MemoryKnownChatStore>;
constexpr auto sqlite_backend = &store_test::sqlite_backend<KnownChatStore, SqliteKnownChatStore>;

Status remember_and_wait(KnownChatStore& store, std::string chat, GroupKind kind,
                         tickets::time_point when, std::string channel = "bot") {
    std::promise<Status> promise;
    auto result = promise.get_future();
    store.remember(std::move(channel), std::move(chat), kind, when,
                   [&promise](Status s) { promise.set_value(std::move(s)); });
    return result.get();
}

std::optional<GroupKind> find_ok(KnownChatStore& store, std::string_view chat,
                                 std::string_view channel = "bot") {
    auto kind = store.find(channel, chat);
    EXPECT_TRUE(kind.ok()) << (kind.ok() ? "" : kind.error().message);
    return kind.ok() ? *kind : std::nullopt;
}

const tickets::time_point kT = at(1'700'000'000);

class KnownChatStoreContract : public ::testing::TestWithParam<BackendParam> {
protected:
    void SetUp() override {
        backend_ = GetParam().make();
        ASSERT_TRUE(backend_.store);
    }
    KnownChatStore& store() { return *backend_.store; }
    Backend backend_;
};

TEST_P(KnownChatStoreContract, ARememberedChatIsFoundWithItsKind) {
    ASSERT_TRUE(remember_and_wait(store(), "group1", GroupKind::Chat, kT).ok());
    ASSERT_TRUE(remember_and_wait(store(), "zhangsan", GroupKind::User, kT).ok());
    EXPECT_EQ(find_ok(store(), "group1"), GroupKind::Chat);
    EXPECT_EQ(find_ok(store(), "zhangsan"), GroupKind::User);
}

TEST_P(KnownChatStoreContract, AnUnknownChatIsNotFound) {
    EXPECT_EQ(find_ok(store(), "group1"), std::nullopt);
    ASSERT_TRUE(remember_and_wait(store(), "group1", GroupKind::Chat, kT).ok());
    EXPECT_EQ(find_ok(store(), "group2"), std::nullopt);
    EXPECT_EQ(find_ok(store(), ""), std::nullopt);
}

TEST_P(KnownChatStoreContract, EachChannelHasItsOwnChats) {
    ASSERT_TRUE(remember_and_wait(store(), "group1", GroupKind::Chat, kT, "bot1").ok());
    EXPECT_EQ(find_ok(store(), "group1", "bot1"), GroupKind::Chat);
    EXPECT_EQ(find_ok(store(), "group1", "bot2"), std::nullopt);
    // The same id under another channel is a record of its own, with its own kind.
    ASSERT_TRUE(remember_and_wait(store(), "group1", GroupKind::User, kT, "bot2").ok());
    EXPECT_EQ(find_ok(store(), "group1", "bot1"), GroupKind::Chat);
    EXPECT_EQ(find_ok(store(), "group1", "bot2"), GroupKind::User);
}

TEST_P(KnownChatStoreContract, TheFirstRecordStays) {
    ASSERT_TRUE(remember_and_wait(store(), "group1", GroupKind::Chat, kT).ok());
    // Every later message of the chat remembers it again: success, and nothing changes.
    EXPECT_TRUE(
        remember_and_wait(store(), "group1", GroupKind::Chat, kT + std::chrono::hours(1)).ok());
    EXPECT_TRUE(
        remember_and_wait(store(), "group1", GroupKind::User, kT + std::chrono::hours(2)).ok());
    EXPECT_EQ(find_ok(store(), "group1"), GroupKind::Chat);
}

TEST_P(KnownChatStoreContract, DoneMeansItIsThere) {
    // Once `done` reported success, a lookup on any thread sees the record.
    for (int i = 0; i < 20; ++i) {
        const std::string chat = store_test::key_of("group", i);
        ASSERT_TRUE(remember_and_wait(store(), chat, GroupKind::Chat, kT).ok());
        std::optional<GroupKind> seen;
        std::thread reader([&] { seen = find_ok(store(), chat); });
        reader.join();
        EXPECT_EQ(seen, GroupKind::Chat) << chat;
    }
}

TEST_P(KnownChatStoreContract, ConcurrentRemembersEachReportOnce) {
    constexpr int kThreads = 6;
    constexpr int kPerThread = 40;
    constexpr int kCalls = kThreads * kPerThread;
    // Each call's reports, by call number; std::atomic is not movable, hence the array.
    auto reports = std::make_unique<std::atomic<int>[]>(kCalls);
    std::atomic<int> failures{0};
    std::mutex mutex;
    std::condition_variable all_reported;
    int reported = 0;

    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                // Half the chats are every thread's (all race for the first record), half its own.
                const std::string chat =
                    i % 2 == 0 ? store_test::key_of("shared", i) : store_test::key_of("own", t, i);
                const int call = t * kPerThread + i;
                store().remember("bot", chat, i % 4 == 0 ? GroupKind::Chat : GroupKind::User,
                                 kT + std::chrono::seconds(i), [&, call](const Status& s) {
                                     if (!s.ok()) ++failures;
                                     reports[call].fetch_add(1);
                                     std::lock_guard lock(mutex);
                                     ++reported;
                                     all_reported.notify_all();
                                 });
            }
        });
    }
    for (auto& thread : threads) thread.join();
    {
        std::unique_lock lock(mutex);
        ASSERT_TRUE(all_reported.wait_for(lock, std::chrono::seconds(30),
                                          [&] { return reported >= kCalls; }));
    }
    EXPECT_EQ(failures.load(), 0);

    for (int t = 0; t < kThreads; ++t) {
        for (int i = 0; i < kPerThread; ++i) {
            const std::string chat =
                i % 2 == 0 ? store_test::key_of("shared", i) : store_test::key_of("own", t, i);
            EXPECT_EQ(find_ok(store(), chat), i % 4 == 0 ? GroupKind::Chat : GroupKind::User)
                << chat;
        }
    }
    // Closing the store settles whatever is still queued: a second report would show by now.
    backend_.store.reset();
    for (int call = 0; call < kCalls; ++call) EXPECT_EQ(reports[call].load(), 1) << call;
}

INSTANTIATE_TEST_SUITE_P(Backends, KnownChatStoreContract,
                         ::testing::Values(BackendParam{"memory", memory_backend},
                                           BackendParam{"sqlite", sqlite_backend}),
                         [](const auto& info) { return info.param.name; });

TEST(MemoryKnownChatStore, AFailingStoreReportsUnavailable) {
    test::MemoryKnownChatStore store;
    store.set_unavailable(true);
    const Status status = remember_and_wait(store, "group1", GroupKind::Chat, kT);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
    EXPECT_FALSE(store.find("bot", "group1").ok());
    store.set_unavailable(false);
    EXPECT_EQ(find_ok(store, "group1"), std::nullopt);
    EXPECT_EQ(store.size(), 0u);
}

TEST(SqliteKnownChatStore, SurvivesAReopen) {
    store_test::TempDir dir;
    const std::string path = dir.file("chats.db");
    {
        auto db = store_test::open_db(path);
        ASSERT_TRUE(db);
        auto store = SqliteKnownChatStore::open(*db);
        ASSERT_TRUE(store.ok());
        ASSERT_TRUE(remember_and_wait(**store, "group1", GroupKind::Chat, kT).ok());
        ASSERT_TRUE(remember_and_wait(**store, "zhangsan", GroupKind::User, kT, "bot2").ok());
    }
    auto db = store_test::open_db(path);
    ASSERT_TRUE(db);
    auto store = SqliteKnownChatStore::open(*db);
    ASSERT_TRUE(store.ok());
    EXPECT_EQ(find_ok(**store, "group1"), GroupKind::Chat);
    EXPECT_EQ(find_ok(**store, "zhangsan", "bot2"), GroupKind::User);
    EXPECT_EQ(find_ok(**store, "zhangsan"), std::nullopt);
}

TEST(SqliteKnownChatStore, KeepsTheFirstSightingToTheSecond) {
    store_test::TempDir dir;
    auto db = store_test::open_db(dir.file("chats.db"));
    ASSERT_TRUE(db);
    EXPECT_GE(Database::latest_schema_version(), 5);
    EXPECT_EQ(db->schema_version(), Database::latest_schema_version());
    auto store = SqliteKnownChatStore::open(*db);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(
        remember_and_wait(**store, "group1", GroupKind::Chat, kT + std::chrono::milliseconds(900))
            .ok());
    ASSERT_TRUE(
        remember_and_wait(**store, "group1", GroupKind::User, kT + std::chrono::hours(1)).ok());
    auto conn = db->connect(Database::Access::ReadOnly);
    ASSERT_TRUE(conn.ok());
    SQLite::Statement row(**conn, "SELECT kind, first_seen_at FROM known_chats");
    ASSERT_TRUE(row.executeStep());
    EXPECT_EQ(row.getColumn(0).getString(), "chat");
    EXPECT_EQ(row.getColumn(1).getInt64(), 1'700'000'000);
    EXPECT_FALSE(row.executeStep());
}

TEST(SqliteKnownChatStore, TheTableRefusesAnotherKind) {
    store_test::TempDir dir;
    auto db = store_test::open_db(dir.file("chats.db"));
    ASSERT_TRUE(db);
    auto conn = db->connect(Database::Access::ReadWrite);
    ASSERT_TRUE(conn.ok());
    EXPECT_THROW((*conn)->exec("INSERT INTO known_chats VALUES ('bot', 'group1', 'bot', 0)"),
                 SQLite::Exception);
}

}  // namespace
}  // namespace groupdesk::storage::sqlite
