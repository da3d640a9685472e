// The ResponseUrlStore contract (tickets/response_url_store.h), run against every backend
// (memory, SQLite), and what only SQLite promises: the URLs survive a restart.
// Readings of the contract stated here, where its comments leave room:
// - "Latest" is by received time: a URL received earlier and recorded late does not replace a
//   newer one (same second: the later call wins).
// - The URL a row holds already, recorded again (a platform retry of the callback), stays used.
// - take() counts a URL received exactly at not_before as fresh enough; times are to the second.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_response_url_store.h"
#include "tests/storage/store_backends.h"
#include "tests/storage/store_test_support.h"
#include "tests/support/memory_response_url_store.h"

namespace groupdesk::storage::sqlite {
namespace {

using store_test::at;
using tickets::ResponseUrlStore;

using Backend = store_test::Backend<ResponseUrlStore>;
using BackendParam = store_test::BackendParam<ResponseUrlStore>;
constexpr auto memory_backend =
    &store_test::memory_backend<ResponseUrlStore, test::MemoryResponseUrlStore>;
constexpr auto sqlite_backend =
    &store_test::sqlite_backend<ResponseUrlStore, SqliteResponseUrlStore>;

Status record_and_wait(ResponseUrlStore& store, std::string conversation, std::string url,
                       tickets::time_point when, std::string channel = "bot") {
    std::promise<Status> promise;
    auto result = promise.get_future();
    store.record(std::move(channel), std::move(conversation), std::move(url), when,
                 [&promise](Status s) { promise.set_value(std::move(s)); });
    return result.get();
}

std::optional<std::string> take_ok(ResponseUrlStore& store, std::string_view conversation,
                                   tickets::time_point not_before,
                                   std::string_view channel = "bot") {
    auto url = store.take(channel, conversation, not_before);
    EXPECT_TRUE(url.ok()) << (url.ok() ? "" : url.error().message);
    return url.ok() ? *url : std::nullopt;
}

const tickets::time_point kT = at(1'700'000'000);

class ResponseUrlStoreContract : public ::testing::TestWithParam<BackendParam> {
protected:
    void SetUp() override {
        backend_ = GetParam().make();
        ASSERT_TRUE(backend_.store);
    }
    ResponseUrlStore& store() { return *backend_.store; }
    Backend backend_;
};

TEST_P(ResponseUrlStoreContract, TheLatestIsTakenOnceOnly) {
    EXPECT_EQ(take_ok(store(), "chat1", kT), std::nullopt);
    ASSERT_TRUE(record_and_wait(store(), "chat1", "https://u/1", kT).ok());
    ASSERT_TRUE(
        record_and_wait(store(), "chat1", "https://u/2", kT + std::chrono::seconds(5)).ok());
    // Received before the latest, recorded after it: not the latest.
    ASSERT_TRUE(record_and_wait(store(), "chat1", "https://u/0", kT).ok());
    EXPECT_EQ(take_ok(store(), "chat1", kT), "https://u/2");
    EXPECT_EQ(take_ok(store(), "chat1", kT), std::nullopt);
    // The same callback again (a platform retry) does not make the used URL fresh.
    ASSERT_TRUE(
        record_and_wait(store(), "chat1", "https://u/2", kT + std::chrono::seconds(5)).ok());
    EXPECT_EQ(take_ok(store(), "chat1", kT), std::nullopt);
    // The next callback's URL does.
    ASSERT_TRUE(
        record_and_wait(store(), "chat1", "https://u/3", kT + std::chrono::seconds(9)).ok());
    EXPECT_EQ(take_ok(store(), "chat1", kT), "https://u/3");
}

TEST_P(ResponseUrlStoreContract, TooOldIsNotTaken) {
    ASSERT_TRUE(record_and_wait(store(), "chat1", "https://u/1", kT).ok());
    EXPECT_EQ(take_ok(store(), "chat1", kT + std::chrono::seconds(1)), std::nullopt);
    // Exactly not_before (and its fraction of a second) is fresh enough.
    EXPECT_EQ(take_ok(store(), "chat1", kT + std::chrono::milliseconds(500)), "https://u/1");
}

TEST_P(ResponseUrlStoreContract, EachConversationHasItsOwn) {
    ASSERT_TRUE(record_and_wait(store(), "chat1", "https://u/1", kT).ok());
    ASSERT_TRUE(record_and_wait(store(), "chat2", "https://u/2", kT).ok());
    ASSERT_TRUE(record_and_wait(store(), "chat1", "https://other/1", kT, "bot2").ok());
    EXPECT_EQ(take_ok(store(), "chat2", kT), "https://u/2");
    EXPECT_EQ(take_ok(store(), "chat1", kT, "bot2"), "https://other/1");
    EXPECT_EQ(take_ok(store(), "chat1", kT), "https://u/1");
    EXPECT_EQ(take_ok(store(), "chat3", kT), std::nullopt);
}

TEST_P(ResponseUrlStoreContract, OneOfFourThreadsGetsIt) {
    for (int round = 0; round < 5; ++round) {
        const std::string url = "https://u/" + std::to_string(round);
        ASSERT_TRUE(record_and_wait(store(), "chat1", url, kT + std::chrono::seconds(round)).ok());
        std::atomic<int> got{0};
        std::atomic<int> errors{0};
        std::vector<std::thread> threads;
        threads.reserve(4);
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back([&] {
                auto taken = store().take("bot", "chat1", kT);
                if (!taken.ok()) {
                    ++errors;
                } else if (*taken) {
                    if (**taken != url) ++errors;
                    ++got;
                }
            });
        }
        for (auto& t : threads) t.join();
        EXPECT_EQ(got.load(), 1);
        EXPECT_EQ(errors.load(), 0);
    }
}

TEST_P(ResponseUrlStoreContract, ExpireForgetsTheOldOnes) {
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(record_and_wait(store(), "chat" + std::to_string(i), "https://u",
                                    kT + std::chrono::seconds(i))
                        .ok());
    }
    auto removed = store().expire_before(kT + std::chrono::seconds(3), 2);
    ASSERT_TRUE(removed.ok());
    EXPECT_EQ(*removed, 2u);
    removed = store().expire_before(kT + std::chrono::seconds(3), 100);
    ASSERT_TRUE(removed.ok());
    EXPECT_EQ(*removed, 1u);
    EXPECT_EQ(*store().expire_before(kT + std::chrono::seconds(3), 100), 0u);
    EXPECT_EQ(*store().expire_before(kT + std::chrono::hours(1), 0), 0u);
    EXPECT_EQ(take_ok(store(), "chat2", at(0)), std::nullopt);
    EXPECT_EQ(take_ok(store(), "chat3", at(0)), "https://u");
    EXPECT_EQ(take_ok(store(), "chat4", at(0)), "https://u");
}

INSTANTIATE_TEST_SUITE_P(Backends, ResponseUrlStoreContract,
                         ::testing::Values(BackendParam{"memory", memory_backend},
                                           BackendParam{"sqlite", sqlite_backend}),
                         [](const auto& info) { return info.param.name; });

TEST(SqliteResponseUrlStore, SurvivesAReopen) {
    store_test::TempDir dir;
    const std::string path = dir.file("urls.db");
    {
        auto db = store_test::open_db(path);
        ASSERT_TRUE(db);
        auto store = SqliteResponseUrlStore::open(*db);
        ASSERT_TRUE(store.ok());
        ASSERT_TRUE(record_and_wait(**store, "chat1", "https://u/1", kT).ok());
        ASSERT_TRUE(record_and_wait(**store, "chat2", "https://u/2", kT).ok());
        EXPECT_EQ(take_ok(**store, "chat2", kT), "https://u/2");
    }
    auto db = store_test::open_db(path);
    ASSERT_TRUE(db);
    auto store = SqliteResponseUrlStore::open(*db);
    ASSERT_TRUE(store.ok());
    EXPECT_EQ(take_ok(**store, "chat1", kT), "https://u/1");
    EXPECT_EQ(take_ok(**store, "chat2", kT), std::nullopt);  // used stays used
}

}  // namespace
}  // namespace groupdesk::storage::sqlite
