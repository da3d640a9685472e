// PlaintextBinding: a (timestamp, nonce) pair of an unsigned body is bound to its first body.
#include "bot/plaintext_binding.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/support/memory_dedup_store.h"

namespace groupdesk::bot {
namespace {

const handlers::DedupStore::time_point kNow{std::chrono::seconds(1767225601)};

Status run(handlers::DurableWrite& write) {
    Status result = ok_status();
    write([&result](Status s) { result = std::move(s); });
    return result;
}

TEST(PlaintextBinding, AnotherBodyUnderAKnownPairIsRefused) {
    test::MemoryDedupStore store;
    PlaintextBinding binding(store);
    auto first = binding.bind("oa", "1767225601", "42", "<xml>real</xml>", kNow);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(first->has_value());  // a new pair: its binding must be written
    ASSERT_TRUE(run(**first).ok());

    // The platform's retry carries the same body: nothing new to write.
    auto retry = binding.bind("oa", "1767225601", "42", "<xml>real</xml>", kNow);
    ASSERT_TRUE(retry.ok());
    EXPECT_FALSE(retry->has_value());

    auto forged = binding.bind("oa", "1767225601", "42", "<xml>forged</xml>", kNow);
    ASSERT_FALSE(forged.ok());
    EXPECT_EQ(forged.error().code, ErrorCode::Unauthenticated);

    // Other pairs, and the same pair on another channel, are not bound by it.
    EXPECT_TRUE(binding.bind("oa", "1767225601", "43", "<xml>forged</xml>", kNow).ok());
    EXPECT_TRUE(binding.bind("oa2", "1767225601", "42", "<xml>forged</xml>", kNow).ok());
}

TEST(PlaintextBinding, AnotherBodyWhileTheFirstIsInFlightIsRefused) {
    test::MemoryDedupStore store;
    PlaintextBinding binding(store);
    auto first = binding.bind("oa", "1", "n", "A", kNow);
    ASSERT_TRUE(first.ok() && first->has_value());
    auto forged = binding.bind("oa", "1", "n", "B", kNow);
    ASSERT_FALSE(forged.ok());
    EXPECT_EQ(forged.error().code, ErrorCode::Unauthenticated);
    auto copy = binding.bind("oa", "1", "n", "A", kNow);
    ASSERT_TRUE(copy.ok());
    EXPECT_FALSE(copy->has_value());
}

TEST(PlaintextBinding, AWriteDroppedUnrunReleasesThePair) {
    test::MemoryDedupStore store;
    PlaintextBinding binding(store);
    {
        auto first = binding.bind("oa", "1", "n", "A", kNow);
        ASSERT_TRUE(first.ok() && first->has_value());
    }  // never written: nothing binds the pair
    auto other = binding.bind("oa", "1", "n", "B", kNow);
    EXPECT_TRUE(other.ok());
}

TEST(PlaintextBinding, StoreFailureIsUnavailable) {
    test::MemoryDedupStore store;
    store.set_unavailable(true);
    PlaintextBinding binding(store);
    auto result = binding.bind("oa", "1", "n", "A", kNow);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, ErrorCode::Unavailable);
    store.set_unavailable(false);
    EXPECT_TRUE(binding.bind("oa", "1", "n", "A", kNow).ok());  // the claim was released
}

TEST(PlaintextBinding, KeysNeverLookLikeDedupKeys) {
    // Dedup keys begin with the channel name's length.
    EXPECT_EQ(PlaintextBinding::key("oa", "1", "n").front(), 'p');
    EXPECT_NE(PlaintextBinding::key("oa", "12", "3"), PlaintextBinding::key("oa", "1", "23"));
}

}  // namespace
}  // namespace groupdesk::bot
