// OutboxWorker: rate limits, poke and restart, no duplicate sends from stale reads or failed
// marks, and the at-least-once bound across a restart.
#include "tests/tickets/outbox_worker_fixture.h"

namespace groupdesk::tickets {
namespace {

using namespace std::chrono_literals;
using namespace outbox_fixture;

TEST_F(OutboxWorkerTest, AWebhookSendsTwentyAMinuteAndTheRestWaitTheirTurnInOrder) {
    std::vector<Notification> rows;
    std::vector<std::string> texts;
    for (int i = 1; i <= 25; ++i) {
        texts.push_back("m" + std::to_string(i));
        rows.push_back(row(texts.back()));
    }
    add(rows);
    start();
    ASSERT_TRUE(store_.wait_until([&] { return stored(21).next_attempt_at > kStart; }));
    EXPECT_EQ(api_.calls().size(), 20u);
    for (std::int64_t id = 21; id <= 25; ++id) {
        EXPECT_EQ(stored(id).state, DeliveryState::Pending) << id;
        EXPECT_EQ(stored(id).attempts, 0) << id;
        EXPECT_EQ(stored(id).last_errcode, 0) << id;
    }
    EXPECT_EQ(stored(21).next_attempt_at, kStart + 60s);
    EXPECT_GE(worker_->count(Route::Webhook, DeliveryOutcome::RateLimited), 1u);
    clock_.advance(60s);
    ASSERT_TRUE(wait_state(25, DeliveryState::Sent));
    EXPECT_EQ(api_.contents(), texts);
}

TEST_F(OutboxWorkerTest, ARateLimitedRowIsNotDueBeforeItsSlotFreesWhenTheStoreKeepsSeconds) {
    clock_.set(kStart + 500ms);
    std::vector<Notification> rows;
    for (int i = 1; i <= 21; ++i) rows.push_back(row("m" + std::to_string(i)));
    add(rows);
    start();
    ASSERT_TRUE(store_.wait_until([&] { return stored(21).next_attempt_at > kStart; }));
    EXPECT_GE(stored(21).next_attempt_at, kStart + 500ms + 60s);
    clock_.set(stored(21).next_attempt_at);
    ASSERT_TRUE(wait_state(21, DeliveryState::Sent));
    EXPECT_EQ(api_.calls().size(), 21u);
}

TEST_F(OutboxWorkerTest, WithoutRateLimitsEveryRowGoesAtOnce) {
    config_.outbox.rate_limits = false;
    std::vector<Notification> rows;
    for (int i = 1; i <= 25; ++i) rows.push_back(row("m" + std::to_string(i)));
    add(rows);
    start();
    ASSERT_TRUE(wait_state(25, DeliveryState::Sent));
    EXPECT_EQ(api_.calls().size(), 25u);
    EXPECT_EQ(worker_->count(Route::Webhook, DeliveryOutcome::RateLimited), 0u);
}

TEST_F(OutboxWorkerTest, PendingRowsGoAtStartAndAPokeSendsNewRowsWithoutWaiting) {
    add({row("before")});
    start();
    ASSERT_TRUE(wait_state(1, DeliveryState::Sent));
    add({row("after")});
    worker_->poke();  // the idle look is a minute away: only the poke can send it in time
    ASSERT_TRUE(wait_state(2, DeliveryState::Sent));
    EXPECT_EQ(api_.contents(), (std::vector<std::string>{"before", "after"}));
}

TEST_F(OutboxWorkerTest, ARowInFlightIsNotSentAgainByALookThatReadItBeforeItWasMarked) {
    add({row("a1"), row("b1", Route::Webhook, kOther)});
    api_.hold("a1");
    start(1);
    ASSERT_TRUE(api_.wait_for_calls(1));
    store_.arm_gate();
    worker_->poke();
    ASSERT_TRUE(store_.wait_gated());  // that look read a1 as still pending
    api_.release("a1");
    ASSERT_TRUE(api_.wait_for_calls(2));  // a1 done: the only sender moved on to b1
    const int reads = store_.due_reads();
    store_.open_gate();
    ASSERT_TRUE(store_.wait_due_reads(reads + 1));  // the stale look has queued what it would
    add({row("z1", Route::AppMessage, "zhangsan", "app")});  // queued behind anything it did
    worker_->poke();
    ASSERT_TRUE(wait_state(3, DeliveryState::Sent));
    EXPECT_EQ(api_.contents(), (std::vector<std::string>{"a1", "b1", "z1"}));
}

TEST_F(OutboxWorkerTest, AFullBatchOfBusyConversationsWaitsForASendInsteadOfSpinning) {
    add({row("a1"), row("b1", Route::Webhook, kOther)});
    api_.hold("a1");
    start(1, 1);  // every read returns a1 alone while it is in flight
    ASSERT_TRUE(api_.wait_for_calls(1));
    // Nothing can change before a1 ends: a dispatcher that looks again and again never waits.
    EXPECT_FALSE(store_.wait_until([&] { return store_.due_reads_locked() >= 100; }, 500ms));
    api_.release("a1");
    ASSERT_TRUE(wait_state(2, DeliveryState::Sent));
    EXPECT_EQ(api_.contents(), (std::vector<std::string>{"a1", "b1"}));
}

TEST_F(OutboxWorkerTest, ARowSentButNotMarkedIsNotResentWhileTheWorkerRuns) {
    store_.fail_marks(1, 1);
    add({row("a1"), row("a2"), row("a3")});
    start();
    ASSERT_TRUE(wait_state(3, DeliveryState::Sent));
    EXPECT_EQ(api_.contents(), (std::vector<std::string>{"a1", "a2", "a3"}));
    EXPECT_EQ(stored(1).state, DeliveryState::Sent);
    EXPECT_EQ(stored(1).attempts, 1);
}

TEST_F(OutboxWorkerTest, AfterARestartOnlyTheRowSentButNotMarkedGoesAgain) {
    store_.fail_marks(2, -1);  // as if the process died between the send and the mark
    add({row("b1", Route::Webhook, kOther), row("a1"), row("a2")});
    start(1);
    ASSERT_TRUE(wait_state(1, DeliveryState::Sent));
    ASSERT_TRUE(store_.wait_failed_marks(2));
    EXPECT_EQ(calls_with("a1"), 1);
    EXPECT_EQ(calls_with("a2"), 0);
    worker_.reset();
    store_.heal();
    start(1);
    ASSERT_TRUE(wait_state(3, DeliveryState::Sent));
    EXPECT_EQ(api_.contents(), (std::vector<std::string>{"b1", "a1", "a1", "a2"}));
}

}  // namespace
}  // namespace groupdesk::tickets
