// The DedupStore contract, run against every backend (memory and SQLite).
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
#include "storage/sqlite/sqlite_dedup_store.h"
#include "tests/storage/store_backends.h"
#include "tests/storage/store_test_support.h"
#include "tests/support/memory_dedup_store.h"

namespace groupdesk::storage::sqlite {
namespace {

using namespace store_test;

// --- The contract, for every backend ------------------------------------------------------

using Backend = store_test::Backend<DedupStore>;
using BackendParam = store_test::BackendParam<DedupStore>;
constexpr auto memory_backend = &store_test::memory_backend<DedupStore, test::MemoryDedupStore>;
constexpr auto sqlite_backend = &store_test::sqlite_backend<DedupStore, SqliteDedupStore>;

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
    store().record("k", "a", at(1000), [&](const Status& s) {
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
    threads.reserve(kThreads);
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
                         ::testing::Values(BackendParam{"memory", memory_backend},
                                           BackendParam{"sqlite", sqlite_backend}),
                         [](const ::testing::TestParamInfo<BackendParam>& info) {
                             return info.param.name;
                         });

}  // namespace
}  // namespace groupdesk::storage::sqlite
