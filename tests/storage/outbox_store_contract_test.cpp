// The OutboxStore contract (tickets/outbox_store.h), run against every backend (memory, SQLite).
// Rows come in with ticket changes, as in production. Readings of the contract stated here, where
// its comments leave room:
// - due() is oldest first by id. next_due() counts only the rows due() could return: the pending
//   head of each order key (a follower due earlier waits for its head anyway).
// - reschedule() with errcode 0 and an empty error (a rate-limit wait) keeps the last failure.
// - The mark methods return NotFound for an unknown id; finish() refuses Pending and Sent
//   (InvalidArgument). retry() keeps attempts and the last failure.
// - list() clamps its limit to 1..kMaxPageSize, like the ticket list.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/storage/outbox_test_support.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace groupdesk::storage::sqlite {
namespace {

// "t<n>", appended rather than `"t" + std::to_string(n)`, which trips GCC 12's -Wrestrict at -O3.
std::string target_name(std::size_t n) {
    std::string name(1, 't');
    name += std::to_string(n);
    return name;
}

using namespace outbox_test;

const tickets::time_point kT = at(1'700'000'000);

class OutboxStoreContract : public ::testing::TestWithParam<BackendParam> {
protected:
    void SetUp() override {
        backend_ = GetParam().make();
        ASSERT_TRUE(backend_.tickets && backend_.outbox);
    }
    OutboxStore& outbox() { return *backend_.outbox; }

    // A new ticket announced to each of `targets` at kT; the new rows' ids in that order.
    std::vector<std::int64_t> announce(const std::vector<std::string>& targets) {
        return outbox_test::announce(*backend_.tickets, outbox(), targets, kT);
    }

    Backend backend_;
};

using Ids = std::vector<std::int64_t>;

TEST_P(OutboxStoreContract, DueTakesEachOrderKeysHeadOldestFirst) {
    const Ids first = announce({"a", "b"});
    const Ids second = announce({"a", "c"});
    const std::int64_t a1 = first[0], b1 = first[1], a2 = second[0], c1 = second[1];

    EXPECT_EQ(ids(due_ok(outbox(), kT)), (Ids{a1, b1, c1}));
    EXPECT_TRUE(due_ok(outbox(), kT - std::chrono::seconds(1)).empty());
    EXPECT_EQ(ids(due_ok(outbox(), kT, 2)), (Ids{a1, b1}));
    EXPECT_TRUE(due_ok(outbox(), kT, 0).empty());

    ASSERT_TRUE(outbox().mark_sent(a1, kT, 1).ok());
    EXPECT_EQ(ids(due_ok(outbox(), kT)), (Ids{b1, a2, c1}));
    auto rows = due_ok(outbox(), kT);
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0].state, DeliveryState::Pending);
    expect_same_message(rows[0], make_notification("b"));
}

TEST_P(OutboxStoreContract, AHeadWaitingForARetryHoldsBackItsKeyOnly) {
    const Ids first = announce({"a", "b"});
    const Ids second = announce({"a"});
    const std::int64_t a1 = first[0], b1 = first[1], a2 = second[0];
    const auto later = kT + std::chrono::seconds(100);

    ASSERT_TRUE(outbox().reschedule(a1, later, 1, 45009, "api freq out of limit").ok());
    EXPECT_EQ(ids(due_ok(outbox(), kT + std::chrono::seconds(99))), (Ids{b1}));
    EXPECT_EQ(ids(due_ok(outbox(), later)), (Ids{a1, b1}));
    auto next = outbox().next_due();
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, kT);  // b1

    ASSERT_TRUE(outbox().mark_sent(b1, kT, 1).ok());
    next = outbox().next_due();
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, later);  // a2 was due at kT, but waits for a1

    // A head that failed for good no longer holds its key back.
    ASSERT_TRUE(outbox().finish(a1, DeliveryState::Failed, 2, 40008, "invalid message").ok());
    EXPECT_EQ(ids(due_ok(outbox(), kT)), (Ids{a2}));
}

TEST_P(OutboxStoreContract, NextDueAndBacklogFollowThePendingRows) {
    auto next = outbox().next_due();
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, std::nullopt);
    auto backlog = outbox().backlog();
    ASSERT_TRUE(backlog.ok());
    EXPECT_EQ(backlog->pending, 0u);
    EXPECT_EQ(backlog->oldest_created_at, std::nullopt);

    const Ids rows = announce({"a", "b", "c"});
    backlog = outbox().backlog();
    ASSERT_TRUE(backlog.ok());
    EXPECT_EQ(backlog->pending, 3u);
    EXPECT_EQ(backlog->oldest_created_at, kT);

    ASSERT_TRUE(outbox().reschedule(rows[0], kT + std::chrono::seconds(5), 1, 0, "").ok());
    ASSERT_TRUE(outbox().reschedule(rows[1], kT + std::chrono::seconds(3), 1, 0, "").ok());
    ASSERT_TRUE(outbox().finish(rows[2], DeliveryState::Undeliverable, 0, 0, "no route").ok());
    next = outbox().next_due();
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, kT + std::chrono::seconds(3));
    backlog = outbox().backlog();
    ASSERT_TRUE(backlog.ok());
    EXPECT_EQ(backlog->pending, 2u);
    EXPECT_EQ(backlog->oldest_created_at, kT);  // created, not due

    ASSERT_TRUE(outbox().mark_sent(rows[0], kT, 2).ok());
    ASSERT_TRUE(outbox().mark_sent(rows[1], kT, 2).ok());
    EXPECT_EQ(*outbox().next_due(), std::nullopt);
    EXPECT_EQ(outbox().backlog()->pending, 0u);
}

TEST_P(OutboxStoreContract, MarksRecordStateAttemptsAndTheLastFailure) {
    const Ids rows = announce({"a", "b", "c"});
    const auto sent_at = kT + std::chrono::seconds(7) + std::chrono::milliseconds(300);
    ASSERT_TRUE(outbox().mark_sent(rows[0], sent_at, 2).ok());
    auto sent = find_ok(outbox(), rows[0]);
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->state, DeliveryState::Sent);
    EXPECT_EQ(sent->sent_at, kT + std::chrono::seconds(7));  // to the second
    EXPECT_EQ(sent->attempts, 2);

    ASSERT_TRUE(outbox().reschedule(rows[1], kT + std::chrono::seconds(60), 1, -1, "timeout").ok());
    auto waiting = find_ok(outbox(), rows[1]);
    ASSERT_TRUE(waiting);
    EXPECT_EQ(waiting->state, DeliveryState::Pending);
    EXPECT_EQ(waiting->next_attempt_at, kT + std::chrono::seconds(60));
    EXPECT_EQ(waiting->attempts, 1);
    EXPECT_EQ(waiting->last_errcode, -1);
    EXPECT_EQ(waiting->last_error, "timeout");
    EXPECT_FALSE(waiting->sent_at);
    // A rate-limit wait: not a failure, the last one stays.
    ASSERT_TRUE(outbox().reschedule(rows[1], kT + std::chrono::seconds(61), 1, 0, "").ok());
    waiting = find_ok(outbox(), rows[1]);
    ASSERT_TRUE(waiting);
    EXPECT_EQ(waiting->next_attempt_at, kT + std::chrono::seconds(61));
    EXPECT_EQ(waiting->last_error, "timeout");

    ASSERT_TRUE(outbox().finish(rows[2], DeliveryState::Failed, 3, 93000, "invalid webhook").ok());
    auto failed = find_ok(outbox(), rows[2]);
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->state, DeliveryState::Failed);
    EXPECT_EQ(failed->attempts, 3);
    EXPECT_EQ(failed->last_errcode, 93000);
    EXPECT_EQ(failed->last_error, "invalid webhook");
    EXPECT_EQ(failed->created_at, kT);

    EXPECT_EQ(outbox().finish(rows[1], DeliveryState::Sent, 1, 0, "").error().code,
              ErrorCode::InvalidArgument);
    EXPECT_EQ(outbox().mark_sent(9999, kT, 1).error().code, ErrorCode::NotFound);
    EXPECT_EQ(outbox().reschedule(9999, kT, 1, 0, "").error().code, ErrorCode::NotFound);
    EXPECT_EQ(outbox().finish(9999, DeliveryState::Failed, 1, 0, "").error().code,
              ErrorCode::NotFound);
    EXPECT_EQ(find_ok(outbox(), 9999), std::nullopt);
}

TEST_P(OutboxStoreContract, RetryBringsBackFinishedRowsOnly) {
    const Ids rows = announce({"a", "b", "c"});
    ASSERT_TRUE(outbox().mark_sent(rows[0], kT, 1).ok());
    ASSERT_TRUE(outbox().finish(rows[1], DeliveryState::Failed, 4, 40008, "bad").ok());
    ASSERT_TRUE(outbox().finish(rows[2], DeliveryState::Undeliverable, 0, 0, "no route").ok());

    EXPECT_EQ(outbox().retry(9999, kT).error().code, ErrorCode::NotFound);
    EXPECT_EQ(outbox().retry(rows[0], kT).error().code, ErrorCode::FailedPrecondition);
    const auto now = kT + std::chrono::hours(1);
    ASSERT_TRUE(outbox().retry(rows[1], now).ok());
    ASSERT_TRUE(outbox().retry(rows[2], now).ok());
    EXPECT_EQ(outbox().retry(rows[1], now).error().code, ErrorCode::FailedPrecondition);

    auto again = find_ok(outbox(), rows[1]);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->state, DeliveryState::Pending);
    EXPECT_EQ(again->next_attempt_at, now);
    EXPECT_EQ(again->attempts, 4);
    EXPECT_TRUE(due_ok(outbox(), now - std::chrono::seconds(1)).empty());
    EXPECT_EQ(ids(due_ok(outbox(), now)), (Ids{rows[1], rows[2]}));
}

TEST_P(OutboxStoreContract, ListFiltersNewestFirstAndPages) {
    const Ids first = announce({"a", "b"});
    const Ids second = announce({"c"});
    const Ids third = announce({"d", "e"});
    ASSERT_TRUE(outbox().mark_sent(first[0], kT, 1).ok());
    ASSERT_TRUE(outbox().mark_sent(third[1], kT, 1).ok());
    const std::int64_t ticket1 = find_ok(outbox(), first[0])->ticket;

    EXPECT_EQ(ids(all_rows(outbox())), (Ids{third[1], third[0], second[0], first[1], first[0]}));
    EXPECT_EQ(ids(list_ok(outbox(), {.state = DeliveryState::Sent})), (Ids{third[1], first[0]}));
    EXPECT_EQ(ids(list_ok(outbox(), {.ticket = ticket1})), (Ids{first[1], first[0]}));
    EXPECT_EQ(ids(list_ok(outbox(), {.state = DeliveryState::Pending, .ticket = ticket1})),
              (Ids{first[1]}));
    EXPECT_TRUE(list_ok(outbox(), {.state = DeliveryState::Failed}).empty());
    EXPECT_TRUE(list_ok(outbox(), {.ticket = 9999}).empty());

    // Pages of two, following the cursor.
    Ids seen;
    std::optional<std::int64_t> after;
    for (int page = 0; page < 5; ++page) {
        auto rows = list_ok(outbox(), {.limit = 2, .after = after});
        if (rows.empty()) break;
        EXPECT_LE(rows.size(), 2u);
        for (const auto& n : rows) seen.push_back(n.id);
        after = rows.back().id;
    }
    EXPECT_EQ(seen, ids(all_rows(outbox())));
    EXPECT_EQ(ids(list_ok(outbox(), {.state = DeliveryState::Pending, .after = third[0]})),
              (Ids{second[0], first[1]}));

    EXPECT_EQ(list_ok(outbox(), {.limit = 0}).size(), 1u);
}

TEST_P(OutboxStoreContract, ListLimitIsClampedToMaxPageSize) {
    std::vector<std::string> targets;
    targets.reserve(kMaxPageSize + 5);
    for (std::size_t i = 0; i < kMaxPageSize + 5; ++i) targets.push_back(target_name(i));
    announce(targets);
    EXPECT_EQ(list_ok(outbox(), {.limit = 1000}).size(), kMaxPageSize);
}

TEST_P(OutboxStoreContract, ListsWhileTheWorkerMarks) {
    std::vector<std::string> targets;
    targets.reserve(60);
    for (int i = 0; i < 60; ++i) targets.push_back(target_name(i % 7));
    const Ids rows = announce(targets);
    std::atomic<bool> done{false};
    std::atomic<int> errors{0};
    std::vector<std::thread> readers;
    readers.reserve(3);
    for (int r = 0; r < 3; ++r) {
        readers.emplace_back([&] {
            while (!done.load()) {
                auto page = outbox().list({.limit = 20});
                if (!page.ok() || page->size() != 20u) {
                    ++errors;
                    continue;
                }
                for (std::size_t i = 1; i < page->size(); ++i) {
                    if ((*page)[i - 1].id <= (*page)[i].id) ++errors;
                }
                auto backlog = outbox().backlog();
                if (!backlog.ok() || backlog->pending > rows.size()) ++errors;
            }
        });
    }
    // The worker's loop: take what is due, mark it; each conversation's rows in id order.
    std::map<std::string, std::int64_t> last_sent;
    for (int round = 0; round < 100; ++round) {
        auto due = due_ok(outbox(), kT, 5);
        if (due.empty()) break;
        for (const auto& n : due) {
            if (!outbox().mark_sent(n.id, kT, 1).ok()) ++errors;
            EXPECT_LT(last_sent[n.order_key], n.id);
            last_sent[n.order_key] = n.id;
        }
    }
    done = true;
    for (auto& t : readers) t.join();
    EXPECT_EQ(errors.load(), 0);
    EXPECT_EQ(outbox().backlog()->pending, 0u);
    EXPECT_EQ(list_ok(outbox(), {.state = DeliveryState::Sent, .limit = kMaxPageSize}).size(),
              rows.size());
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxStoreContract,
                         ::testing::Values(BackendParam{"memory", &memory_backend},
                                           BackendParam{"sqlite", &sqlite_backend}),
                         backend_name);

}  // namespace
}  // namespace groupdesk::storage::sqlite
