// OutboxWorker: the AI bot's own push (route aibot_send_msg) — sent through AiBotPush, an
// unreachable chat ends undeliverable, a busy errcode is retried, a refusal fails, the per-chat
// limit holds, and without a long connection nothing is tried.
#include <mutex>

#include "tests/tickets/outbox_worker_fixture.h"

namespace groupdesk::tickets {
namespace {

using namespace std::chrono_literals;
using namespace outbox_fixture;

// The pushes: recorded, answered from a script per content (ok once it runs out).
class ScriptedPush final : public wecom::AiBotPush {
public:
    void script(const std::string& content, std::vector<Status> answers) {
        std::lock_guard lock(mutex_);
        for (auto& a : answers) answers_[content].push_back(std::move(a));
    }
    std::vector<std::string> calls() const {
        std::lock_guard lock(mutex_);
        return calls_;
    }

    Status push(const config::Channel& channel, std::string_view chat_id,
                const wecom::OutboundMessage& message) override {
        std::lock_guard lock(mutex_);
        calls_.push_back(channel.name + ":" + std::string(chat_id) + ":" + message.content +
                         (message.markdown ? ":md" : ":text"));
        auto& script = answers_[message.content];
        if (script.empty()) return ok_status();
        Status out = std::move(script.front());
        script.pop_front();
        return out;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> calls_;
    std::map<std::string, std::deque<Status>> answers_;
};

class OutboxPushTest : public OutboxWorkerTest {
protected:
    void start_with_push(wecom::AiBotPush* push) {
        OutboxWorkerOptions options;
        options.aibot_push = push;
        worker_ = std::make_unique<OutboxWorker>(store_, urls_, api_, config_, clock_, options);
    }
    static Notification pushed(std::string text, const std::string& chat = kBare) {
        Notification n = row(std::move(text), Route::AiBotSendMsg, chat);
        n.markdown = true;
        return n;
    }

    ScriptedPush push_;
};

TEST_F(OutboxPushTest, APushGoesToItsChatThroughTheBotsConnection) {
    add({pushed("p1")});
    start_with_push(&push_);
    ASSERT_TRUE(wait_state(1, DeliveryState::Sent));
    EXPECT_EQ(push_.calls(), std::vector<std::string>{"group-bot:" + kBare + ":p1:md"});
    EXPECT_TRUE(api_.calls().empty());  // no HTTP API for this route
    EXPECT_EQ(stored(1).attempts, 1);
    EXPECT_EQ(worker_->count(Route::AiBotSendMsg, DeliveryOutcome::Sent), 1u);
}

TEST_F(OutboxPushTest, AChatThatNeverWroteToTheBotEndsUndeliverableWithTheReason) {
    push_.script("p1", {make_error(ErrorCode::NotFound, "chat has never written to the bot")});
    add({pushed("p1"), pushed("p2")});
    start_with_push(&push_);
    ASSERT_TRUE(wait_state(1, DeliveryState::Undeliverable));
    ASSERT_TRUE(wait_state(2, DeliveryState::Sent));  // the next one is not held back
    EXPECT_NE(stored(1).last_error.find("never written"), std::string::npos);
    EXPECT_EQ(worker_->count(Route::AiBotSendMsg, DeliveryOutcome::Undeliverable), 1u);
}

TEST_F(OutboxPushTest, ABusyErrcodeIsRetriedAndARefusalFails) {
    push_.script("busy", {unavailable(45009)});
    push_.script("bad", {refused(40008)});
    add({pushed("busy"), pushed("bad", kChat)});
    start_with_push(&push_);
    ASSERT_TRUE(wait_state(2, DeliveryState::Failed));
    EXPECT_EQ(stored(2).last_errcode, 40008);
    ASSERT_TRUE(wait_attempts(1, 1));
    EXPECT_EQ(stored(1).state, DeliveryState::Pending);
    EXPECT_EQ(stored(1).last_errcode, 45009);
    clock_.advance(2s);  // past the first backoff
    ASSERT_TRUE(wait_state(1, DeliveryState::Sent));
    EXPECT_EQ(stored(1).attempts, 2);
}

TEST_F(OutboxPushTest, AChatGetsThirtyPushesAMinute) {
    std::vector<Notification> rows;
    for (int i = 1; i <= 31; ++i) rows.push_back(pushed("m" + std::to_string(i)));
    add(rows);
    start_with_push(&push_);
    ASSERT_TRUE(store_.wait_until([&] { return stored(31).next_attempt_at > kStart; }));
    EXPECT_EQ(push_.calls().size(), 30u);
    EXPECT_EQ(stored(31).next_attempt_at, kStart + 60s);
    clock_.advance(60s);
    ASSERT_TRUE(wait_state(31, DeliveryState::Sent));
}

TEST_F(OutboxPushTest, WithoutALongConnectionNothingIsTried) {
    add({pushed("p1")});
    start_with_push(nullptr);
    ASSERT_TRUE(wait_state(1, DeliveryState::Undeliverable));
    EXPECT_NE(stored(1).last_error.find("no long connection"), std::string::npos);
    EXPECT_TRUE(push_.calls().empty());
}

}  // namespace
}  // namespace groupdesk::tickets
