// FloodGuard: one pass per interval per key, retries of the same callback, entries that survive a
// generation change, and the bound on memory under a flood of distinct keys.
#include "handlers/details/flood_guard.h"

#include <gtest/gtest.h>

#include <string>

namespace groupdesk::handlers::details {
namespace {

using std::chrono::seconds;
using time_point = FloodGuard::time_point;

const time_point t0 = time_point{} + std::chrono::hours{24 * 20000};

TEST(FloodGuard, PassesOncePerInterval) {
    FloodGuard guard(seconds{30}, 1000);
    EXPECT_TRUE(guard.first_in("7/mp/alice", "cb-1", t0));
    EXPECT_FALSE(guard.first_in("7/mp/alice", "cb-2", t0 + seconds{29}));
    EXPECT_TRUE(guard.first_in("7/mp/bob", "cb-3", t0 + seconds{29}));
    EXPECT_TRUE(guard.first_in("7/mp/alice", "cb-4", t0 + seconds{30}));
    EXPECT_FALSE(guard.first_in("7/mp/alice", "cb-5", t0 + seconds{31}));
}

TEST(FloodGuard, TheSameCallbackPassesAgain) {
    FloodGuard guard(seconds{30}, 1000);
    EXPECT_TRUE(guard.first_in("7/mp/alice", "cb-1", t0));
    EXPECT_TRUE(guard.first_in("7/mp/alice", "cb-1", t0 + seconds{5}));
    EXPECT_FALSE(guard.first_in("7/mp/alice", "cb-2", t0 + seconds{6}));
    // No source key: never taken for a retry.
    EXPECT_TRUE(guard.first_in("7/mp/carol", "", t0));
    EXPECT_FALSE(guard.first_in("7/mp/carol", "", t0 + seconds{1}));
}

TEST(FloodGuard, AnEntryOfTheOlderGenerationStillHolds) {
    FloodGuard guard(seconds{30}, 1000);
    EXPECT_TRUE(guard.first_in("a", "cb-1", t0));
    EXPECT_TRUE(guard.first_in("b", "cb-2", t0 + seconds{29}));
    // A generation change (30 s after the first entry) keeps b, 2 s old.
    EXPECT_TRUE(guard.first_in("c", "cb-3", t0 + seconds{31}));
    EXPECT_FALSE(guard.first_in("b", "cb-4", t0 + seconds{40}));
    EXPECT_TRUE(guard.first_in("b", "cb-5", t0 + seconds{59}));
    // ...and the entry renewed in the newer generation holds too.
    EXPECT_FALSE(guard.first_in("b", "cb-6", t0 + seconds{70}));
}

TEST(FloodGuard, ForgetsEverythingAfterTwoQuietIntervals) {
    FloodGuard guard(seconds{30}, 1000);
    for (int i = 0; i < 50; ++i) guard.first_in("chat-" + std::to_string(i), "cb", t0);
    EXPECT_EQ(guard.size(), 50u);
    EXPECT_TRUE(guard.first_in("chat-0", "cb-x", t0 + seconds{61}));
    EXPECT_EQ(guard.size(), 1u);
}

TEST(FloodGuard, MemoryStaysBoundedUnderAFloodOfDistinctKeys) {
    FloodGuard guard(seconds{30}, 100);
    for (int i = 0; i < 10000; ++i) {
        EXPECT_TRUE(guard.first_in("chat-" + std::to_string(i), "cb", t0 + seconds{i / 1000}));
        ASSERT_LE(guard.size(), 100u);
    }
    // The most recent keys are still held back.
    EXPECT_FALSE(guard.first_in("chat-9999", "cb-again", t0 + seconds{10}));
}

}  // namespace
}  // namespace groupdesk::handlers::details
