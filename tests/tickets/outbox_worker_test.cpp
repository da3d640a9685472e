// OutboxWorker: order per conversation, retries with backoff, giving up, and each route —
// against a scripted platform, in-memory stores and a clock the tests move.
#include "tests/tickets/outbox_worker_fixture.h"

namespace groupdesk::tickets {
namespace {

using namespace std::chrono_literals;
using namespace outbox_fixture;

TEST_F(OutboxWorkerTest, AConversationGoesInIdOrderOneAtATimeWhileOthersProceed) {
    add({row("a1"), row("a2"), row("b1", Route::Webhook, kOther), row("a3")});
    api_.hold("a1");
    start();
    ASSERT_TRUE(api_.wait_for_calls(2));  // a1 held in flight, b1 goes all the same
    EXPECT_EQ(calls_with("a1"), 1);
    EXPECT_EQ(calls_with("b1"), 1);
    EXPECT_EQ(calls_with("a2"), 0);
    ASSERT_TRUE(wait_state(3, DeliveryState::Sent));
    EXPECT_EQ(stored(2).state, DeliveryState::Pending);
    api_.release("a1");
    ASSERT_TRUE(wait_state(4, DeliveryState::Sent));
    std::vector<std::string> chat;
    for (const auto& c : api_.calls()) {
        if (c.target == "KEY-CHAT") chat.push_back(c.content);
    }
    EXPECT_EQ(chat, (std::vector<std::string>{"a1", "a2", "a3"}));
    for (std::int64_t id = 1; id <= 4; ++id) EXPECT_EQ(stored(id).attempts, 1);
    EXPECT_EQ(worker_->count(Route::Webhook, DeliveryOutcome::Sent), 4u);
}

TEST_F(OutboxWorkerTest, ARetryableErrorWaitsItsBackoffAndHoldsItsFollowersBack) {
    config_.outbox.retry_initial = 1s;
    api_.script("a1", {unavailable(45009)});
    add({row("a1"), row("a2"), row("b1", Route::Webhook, kOther)});
    start(1);
    ASSERT_TRUE(wait_attempts(1, 1));
    ASSERT_TRUE(wait_state(3, DeliveryState::Sent));
    const Notification waiting = stored(1);
    EXPECT_EQ(waiting.state, DeliveryState::Pending);
    EXPECT_EQ(waiting.attempts, 1);
    EXPECT_EQ(waiting.last_errcode, 45009);
    EXPECT_NE(waiting.last_error.find("45009"), std::string::npos);
    EXPECT_EQ(waiting.next_attempt_at, kStart + 1s);  // never before its backoff
    EXPECT_EQ(calls_with("a1"), 1);
    EXPECT_EQ(calls_with("a2"), 0);
    EXPECT_EQ(stored(2).attempts, 0);
    clock_.advance(1s);
    ASSERT_TRUE(wait_state(2, DeliveryState::Sent));
    EXPECT_EQ(api_.contents(), (std::vector<std::string>{"a1", "b1", "a1", "a2"}));
    EXPECT_EQ(stored(1).state, DeliveryState::Sent);
    EXPECT_EQ(stored(1).attempts, 2);
    EXPECT_EQ(worker_->count(Route::Webhook, DeliveryOutcome::Retry), 1u);
}

TEST_F(OutboxWorkerTest, BackoffDoublesUpToItsCapWithJitterInTheUpperHalf) {
    config_.outbox.retry_initial = 2s;
    config_.outbox.retry_max = 8s;
    api_.script("a1", {unavailable(-1), unavailable(-1), unavailable(-1), unavailable(-1),
                       unavailable(-1)});
    add({row("a1")});
    start();
    const std::chrono::seconds delays[] = {2s, 4s, 8s, 8s, 8s};
    for (int attempt = 1; attempt <= 5; ++attempt) {
        ASSERT_TRUE(wait_attempts(1, attempt));
        const Notification n = stored(1);
        const auto wait = n.next_attempt_at - clock_.now();
        const auto delay = delays[attempt - 1];
        EXPECT_GE(wait, delay / 2) << "attempt " << attempt;
        EXPECT_LE(wait, delay) << "attempt " << attempt;
        clock_.set(n.next_attempt_at);
    }
    ASSERT_TRUE(wait_state(1, DeliveryState::Sent));
    EXPECT_EQ(stored(1).attempts, 6);
    EXPECT_EQ(api_.calls().size(), 6u);
}

TEST_F(OutboxWorkerTest, APermanentErrorFailsAtOnceAndTheNextRowGoes) {
    api_.script("a1", {refused(93000)});
    add({row("a1"), row("a2")});
    start();
    ASSERT_TRUE(wait_state(2, DeliveryState::Sent));
    const Notification failed = stored(1);
    EXPECT_EQ(failed.state, DeliveryState::Failed);
    EXPECT_EQ(failed.last_errcode, 93000);
    EXPECT_EQ(failed.attempts, 1);
    EXPECT_EQ(api_.contents(), (std::vector<std::string>{"a1", "a2"}));
    EXPECT_EQ(worker_->count(Route::Webhook, DeliveryOutcome::Failed), 1u);
}

TEST_F(OutboxWorkerTest, ARowStillFailingAfterGiveUpAfterEndsFailed) {
    config_.outbox.retry_initial = 2s;  // the first retry is due within 2 s, the second after 3
    config_.outbox.give_up_after = 2s;
    api_.script("a1", {unavailable(45009), unavailable(45009), unavailable(45009)});
    add({row("a1")});
    start();
    ASSERT_TRUE(wait_attempts(1, 1));
    EXPECT_EQ(stored(1).state, DeliveryState::Pending);
    clock_.set(stored(1).next_attempt_at);
    ASSERT_TRUE(wait_state(1, DeliveryState::Failed));
    const Notification n = stored(1);
    EXPECT_EQ(n.attempts, 2);
    EXPECT_EQ(n.last_errcode, 45009);
    EXPECT_NE(n.last_error.find("gave up"), std::string::npos) << n.last_error;
    EXPECT_EQ(api_.calls().size(), 2u);
}

TEST_F(OutboxWorkerTest, AResponseUrlIsUsedOnceAndOnlyWhileFresh) {
    urls_.record("group-bot", kBare, "https://example.test/ru/1", kStart - 10min,
                 [](const Status& s) { EXPECT_TRUE(s.ok()); });
    urls_.record("group-bot", "stale", "https://example.test/ru/2", kStart - 1h - 1s,
                 [](const Status& s) { EXPECT_TRUE(s.ok()); });
    add({row("r1", Route::ResponseUrl, kBare), row("r2", Route::ResponseUrl, kBare),
         row("s1", Route::ResponseUrl, "stale"), row("n1", Route::ResponseUrl, "nobody")});
    start();
    ASSERT_TRUE(wait_state(2, DeliveryState::Undeliverable));
    ASSERT_TRUE(wait_state(3, DeliveryState::Undeliverable));
    ASSERT_TRUE(wait_state(4, DeliveryState::Undeliverable));
    EXPECT_EQ(stored(1).state, DeliveryState::Sent);
    const auto calls = api_.calls();
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].kind, "response_url");
    EXPECT_EQ(calls[0].target, "https://example.test/ru/1");
    const std::string why = stored(4).last_error;
    EXPECT_NE(why.find("nobody"), std::string::npos) << why;
    EXPECT_NE(why.find("no fresh response_url"), std::string::npos) << why;
    EXPECT_EQ(stored(4).attempts, 0);
}

TEST_F(OutboxWorkerTest, WebhooksUseTheChatsKeyAndAChatWithoutOneIsUndeliverable) {
    add({row("w1"), row("w2", Route::Webhook, kBare)});
    start();
    ASSERT_TRUE(wait_state(1, DeliveryState::Sent));
    ASSERT_TRUE(wait_state(2, DeliveryState::Undeliverable));
    const auto calls = api_.calls();
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].kind, "webhook");
    EXPECT_EQ(calls[0].target, "KEY-CHAT");
    EXPECT_EQ(calls[0].content, "w1");
    EXPECT_NE(stored(2).last_error.find(kBare), std::string::npos);
}

TEST_F(OutboxWorkerTest, AppAndOfficialAccountRowsGoToTheirUserAndNoRouteIsUndeliverable) {
    add({row("u1", Route::AppMessage, "zhangsan", "app"),
         row("o1", Route::CustomMessage, "oOPENID", "mp"), row("x1", Route::None),
         row("x2", Route::AppMessage, "lisi", "removed-channel")});
    start();
    ASSERT_TRUE(wait_state(1, DeliveryState::Sent));
    ASSERT_TRUE(wait_state(2, DeliveryState::Sent));
    ASSERT_TRUE(wait_state(3, DeliveryState::Undeliverable));
    ASSERT_TRUE(wait_state(4, DeliveryState::Undeliverable));
    std::set<std::string> calls;
    for (const auto& c : api_.calls()) calls.insert(c.kind + ":" + c.target + ":" + c.content);
    EXPECT_EQ(calls, (std::set<std::string>{"app:zhangsan:u1", "custom:oOPENID:o1"}));
    EXPECT_EQ(worker_->count(Route::None, DeliveryOutcome::Undeliverable), 1u);
}

}  // namespace
}  // namespace groupdesk::tickets
