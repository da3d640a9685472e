// Unit tests of the AI bot's long connection alone, against FakeAiBotServer: subscribe, frames
// to the handler and their answers, acks and their timeouts, stop, drop and reconnect, takeover,
// refusal, counters. (URL parsing, a server that stops answering and TLS verification are in
// aibot_connection_edge_test.cpp.)
#include "tests/bot/aibot_connection_test_support.h"

namespace groupdesk::test {
namespace {

using namespace aibot;
using bot::Ack;
using bot::AiBotConnection;
using bot::AiBotConnectionOptions;
using bot::LinkState;
using bot::LinkStats;
using Json = nlohmann::json;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// --- against FakeAiBotServer ---

struct SeenFrame {
    std::string cmd;
    std::string req_id;
};

class AiBotConnectionTest : public ::testing::Test {
protected:
    AiBotConnectionOptions options(const std::string& secret = "test-bot-secret") const {
        AiBotConnectionOptions o;
        o.url = fake_.url();
        o.bot_id = "test-bot";
        o.secret = secret;
        o.connect_timeout = 2000ms;
        o.ping_interval = 60s;  // no pings unless a test asks: the frame counts stay exact
        o.reconnect_initial = 50ms;
        o.reconnect_max = 200ms;
        o.ack_timeout = 5000ms;
        return o;
    }

    // A connection whose handler records each frame and, when `answer_` is set, answers a
    // message with aibot_respond_msg on the message's req_id.
    std::unique_ptr<AiBotConnection> make(AiBotConnectionOptions o) {
        return std::make_unique<AiBotConnection>(
            "test", std::move(o), [this](wecom::AiBotFrame frame, bot::FrameSender& sender) {
                {
                    std::lock_guard lock(mutex_);
                    seen_.push_back(SeenFrame{frame.cmd, frame.req_id});
                }
                if (answer_ && frame.cmd == "aibot_msg_callback") {
                    const Json reply{
                        {"cmd", "aibot_respond_msg"},
                        {"headers", {{"req_id", frame.req_id}}},
                        {"body", {{"msgtype", "markdown"}, {"markdown", {{"content", "ok"}}}}}};
                    sender.request("aibot_respond_msg", frame.req_id, reply.dump(),
                                   answer_acks_.done());
                }
            });
    }

    std::unique_ptr<AiBotConnection> start_up(AiBotConnectionOptions o) {
        auto c = make(std::move(o));
        c->start();
        EXPECT_TRUE(wait_until([&] { return c->state() == LinkState::Up; }));
        return c;
    }

    std::vector<SeenFrame> seen() const {
        std::lock_guard lock(mutex_);
        return seen_;
    }

    FakeAiBotServer fake_;
    bool answer_ = true;
    Acks answer_acks_;
    mutable std::mutex mutex_;
    std::vector<SeenFrame> seen_;
};

TEST_F(AiBotConnectionTest, StartsIdleAndSubscribesWithTheConfiguredIdAndSecret) {
    auto c = make(options());
    EXPECT_EQ(c->state(), LinkState::Idle);
    c->start();
    ASSERT_TRUE(fake_.wait_subscribed(1));
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Up; }));

    const auto subs = fake_.received("aibot_subscribe");
    ASSERT_EQ(subs.size(), 1u);
    EXPECT_EQ(subs[0]["body"]["bot_id"], "test-bot");
    EXPECT_EQ(subs[0]["body"]["secret"], "test-bot-secret");
    const std::string req_id = subs[0]["headers"]["req_id"];
    EXPECT_TRUE(req_id.starts_with("aibot_subscribe_")) << req_id;
    EXPECT_EQ(c->stats().connects.load(), 1u);
    EXPECT_EQ(c->stats().reconnects.load(), 0u);
    EXPECT_EQ(fake_.connections(), 1);

    c->stop();
    EXPECT_EQ(c->state(), LinkState::Stopped);
}

TEST_F(AiBotConnectionTest, MessageFramesReachTheHandlerAndItsAnswerIsAcked) {
    auto c = start_up(options());
    ASSERT_TRUE(fake_.send_message("req-msg-1", aibot_text_body("m1", "zhangsan", "wrkG", "hi")));
    ASSERT_TRUE(fake_.send_event(
        "req-evt-1", aibot_card_click_body("m2", "zhangsan", "wrkG", "resolve", "task-1")));

    const auto answer = fake_.wait_for_answer("aibot_respond_msg", "req-msg-1");
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ((*answer)["body"]["markdown"]["content"], "ok");
    ASSERT_TRUE(answer_acks_.wait(1));
    const auto acks = answer_acks_.results();
    ASSERT_EQ(acks.size(), 1u);
    ASSERT_TRUE(acks[0].ok()) << acks[0].error().message;
    EXPECT_EQ(acks[0]->errcode, 0);

    ASSERT_TRUE(wait_until([&] { return seen().size() == 2; }));
    const auto frames = seen();
    EXPECT_EQ(frames[0].cmd, "aibot_msg_callback");
    EXPECT_EQ(frames[0].req_id, "req-msg-1");
    EXPECT_EQ(frames[1].cmd, "aibot_event_callback");
    EXPECT_EQ(frames[1].req_id, "req-evt-1");
    EXPECT_EQ(answer_acks_.calls(), std::vector<int>{1});
}

TEST_F(AiBotConnectionTest, APushIsAckedWithThePlatformsErrcode) {
    auto c = start_up(options());
    fake_.set_push_errcode(45009, "api freq out of limit");
    Acks acks;
    const std::string req_id = c->new_req_id("aibot_send_msg");
    c->request("aibot_send_msg", req_id, push_frame(req_id), acks.done());
    ASSERT_TRUE(acks.wait(1));
    const auto results = acks.results();
    ASSERT_TRUE(results[0].ok()) << results[0].error().message;
    EXPECT_EQ(results[0]->errcode, 45009);
    EXPECT_EQ(results[0]->errmsg, "api freq out of limit");
    EXPECT_EQ(c->stats().ack_latency.count(), 2u);  // the subscription's and the push's
}

TEST_F(AiBotConnectionTest, ARequestBeforeStartFailsAtOnceAndOnlyOnce) {
    auto c = make(options());
    Acks acks;
    c->request("aibot_send_msg", "push-1", push_frame("push-1"), acks.done());
    ASSERT_TRUE(acks.wait(1, 2s)) << "a request before start() was never answered";
    const auto results = acks.results();
    ASSERT_FALSE(results[0].ok());
    EXPECT_EQ(results[0].error().code, ErrorCode::Unavailable);

    // Starting afterwards neither sends it nor reports it again.
    c->start();
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Up; }));
    c->stop();
    EXPECT_EQ(acks.calls(), std::vector<int>{1});
    EXPECT_TRUE(fake_.received("aibot_send_msg").empty());
}

TEST_F(AiBotConnectionTest, ARequestAfterStopFailsAtOnceAndOnlyOnce) {
    auto c = start_up(options());
    c->stop();
    Acks acks;
    c->request("aibot_send_msg", "push-1", push_frame("push-1"), acks.done());
    // Reported before request() returns: there is no thread left to do it later.
    ASSERT_EQ(acks.results().size(), 1u);
    EXPECT_EQ(acks.results()[0].error().code, ErrorCode::Unavailable);
    c.reset();
    EXPECT_EQ(acks.calls(), std::vector<int>{1});
    EXPECT_TRUE(fake_.received("aibot_send_msg").empty());
}

TEST_F(AiBotConnectionTest, AnUnackedPushTimesOutAndTheConnectionStaysUp) {
    auto o = options();
    o.ack_timeout = 200ms;
    auto c = start_up(o);
    fake_.hang_pushes(true);
    Acks acks;
    const std::string req_id = c->new_req_id("aibot_send_msg");
    c->request("aibot_send_msg", req_id, push_frame(req_id), acks.done());
    ASSERT_TRUE(acks.wait(1));
    const auto results = acks.results();
    ASSERT_FALSE(results[0].ok());
    EXPECT_EQ(results[0].error().code, ErrorCode::Unavailable);
    EXPECT_EQ(c->stats().ack_timeouts.load(), 1u);
    EXPECT_TRUE(fake_.wait_for_answer("aibot_send_msg", req_id, 0ms).has_value());
    EXPECT_EQ(c->state(), LinkState::Up);
    EXPECT_EQ(fake_.connections(), 1);
    c->stop();
    EXPECT_EQ(acks.calls(), std::vector<int>{1});
}

TEST_F(AiBotConnectionTest, ReqIdsAreUniqueAcrossThreads) {
    auto c = make(options());
    constexpr int kThreads = 4;
    constexpr int kEach = 2000;
    std::vector<std::vector<std::string>> ids(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) ids[t].push_back(c->new_req_id("aibot_send_msg"));
        });
    }
    for (auto& t : threads) t.join();
    std::set<std::string> all;
    for (const auto& list : ids) {
        for (const auto& id : list) {
            EXPECT_TRUE(id.starts_with("aibot_send_msg_")) << id;
            all.insert(id);
        }
    }
    EXPECT_EQ(all.size(), std::size_t{kThreads} * kEach);
    // Another connection of the same process does not repeat them either.
    auto other = make(options());
    for (int i = 0; i < 100; ++i) EXPECT_FALSE(all.contains(other->new_req_id("aibot_send_msg")));
}

TEST_F(AiBotConnectionTest, StopFailsPendingRequestsOnceAndDoesNotWaitForTheirAcks) {
    auto o = options();
    o.ack_timeout = 60s;
    auto c = start_up(o);
    fake_.hang_pushes(true);
    Acks acks;
    for (int i = 0; i < 3; ++i) {
        const std::string req_id = c->new_req_id("aibot_send_msg");
        c->request("aibot_send_msg", req_id, push_frame(req_id), acks.done());
    }
    ASSERT_TRUE(wait_until([&] { return fake_.received("aibot_send_msg").size() == 3; }));
    const auto began = std::chrono::steady_clock::now();
    c->stop();
    // A generous bound: what matters is that stop() does not wait out the 60 s ack timeout.
    EXPECT_LT(std::chrono::steady_clock::now() - began, 30s);
    const auto results = acks.results();
    ASSERT_EQ(results.size(), 3u);
    for (const auto& r : results) {
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::Unavailable);
    }
    EXPECT_EQ(c->state(), LinkState::Stopped);
    c->stop();  // idempotent
    c.reset();
    EXPECT_EQ(acks.calls(), (std::vector<int>{1, 1, 1}));
}

TEST_F(AiBotConnectionTest, ADroppedConnectionIsOpenedAndSubscribedAgain) {
    auto c = start_up(options());
    fake_.drop();
    ASSERT_TRUE(fake_.wait_subscribed(2));
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Up; }));
    EXPECT_EQ(fake_.connections(), 2);
    EXPECT_GE(c->stats().reconnects.load(), 1u);
    EXPECT_EQ(c->stats().connects.load(), 2u);

    // And it works as before on the new connection.
    ASSERT_TRUE(fake_.send_message("req-after", aibot_text_body("m9", "lisi", "wrkG", "again")));
    EXPECT_TRUE(fake_.wait_for_answer("aibot_respond_msg", "req-after").has_value());
}

TEST_F(AiBotConnectionTest, DisconnectedEventLeavesItTakenOverForGood) {
    auto o = options();
    auto c = start_up(o);
    ASSERT_TRUE(fake_.send_disconnected_event());
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::TakenOver; }));
    EXPECT_TRUE(bot::is_down_for_good(c->state()));

    // A few reconnect delays later: still down, still one connection.
    std::this_thread::sleep_for(o.reconnect_max * 5);
    EXPECT_EQ(c->state(), LinkState::TakenOver);
    EXPECT_EQ(fake_.connections(), 1);
    EXPECT_EQ(c->stats().reconnects.load(), 0u);
    EXPECT_TRUE(seen().empty()) << "the handler is never given disconnected_event";

    Acks acks;
    c->request("aibot_send_msg", "push-1", push_frame("push-1"), acks.done());
    ASSERT_TRUE(acks.wait(1));
    EXPECT_EQ(acks.results()[0].error().code, ErrorCode::Unavailable);
}

TEST_F(AiBotConnectionTest, RefusedCredentialsLeaveItRefusedAfterOneConnection) {
    auto o = options("wrong-secret");
    auto c = make(o);
    c->start();
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Refused; }));
    std::this_thread::sleep_for(o.reconnect_max * 5);
    EXPECT_EQ(c->state(), LinkState::Refused);
    EXPECT_EQ(fake_.connections(), 1);
    EXPECT_EQ(fake_.subscriptions(), 0);
    EXPECT_EQ(c->stats().reconnects.load(), 0u);
    EXPECT_EQ(fake_.received("aibot_subscribe").size(), 1u);
}

TEST_F(AiBotConnectionTest, AnotherRefusalIsRetriedUntilTheSubscriptionIsAcked) {
    fake_.refuse_subscriptions(45009);  // rate limited: worth trying again, unlike 853000
    auto c = make(options());
    c->start();
    ASSERT_TRUE(wait_until([&] { return fake_.received("aibot_subscribe").size() >= 2; }));
    EXPECT_FALSE(bot::is_down_for_good(c->state()));
    fake_.refuse_subscriptions(0);
    ASSERT_TRUE(fake_.wait_subscribed(1));
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Up; }));
    EXPECT_GE(c->stats().reconnects.load(), 1u);
}

TEST_F(AiBotConnectionTest, FramesAreCountedByCmdAndDirection) {
    auto c = start_up(options());
    EXPECT_EQ(out(*c, "aibot_subscribe"), 1u);
    EXPECT_EQ(in(*c, ""), 1u);  // the subscription's ack

    ASSERT_TRUE(fake_.send_message("req-1", aibot_text_body("m1", "zhangsan", "wrkG", "hi")));
    ASSERT_TRUE(answer_acks_.wait(1));
    ASSERT_TRUE(fake_.send_event(
        "req-2", aibot_card_click_body("m2", "zhangsan", "wrkG", "resolve", "task-1")));
    ASSERT_TRUE(fake_.send_text(R"({"cmd":"aibot_future_cmd","headers":{"req_id":"x"}})"));
    ASSERT_TRUE(wait_until([&] { return in(*c, "aibot_future_cmd") == 1; }));
    ASSERT_TRUE(wait_until([&] { return in(*c, "aibot_event_callback") == 1; }));

    EXPECT_EQ(in(*c, "aibot_msg_callback"), 1u);
    EXPECT_EQ(out(*c, "aibot_respond_msg"), 1u);
    EXPECT_EQ(in(*c, ""), 2u);  // and the answer's
    EXPECT_EQ(in(*c, "other"), 1u);
    EXPECT_EQ(out(*c, "aibot_send_msg"), 0u);
    EXPECT_EQ(out(*c, "ping"), 0u);
    EXPECT_EQ(c->stats().bad_frames.load(), 0u);
    EXPECT_EQ(seen().size(), 2u) << "an unknown cmd is not given to the handler";
}

TEST_F(AiBotConnectionTest, PingsGoOutAndAreCountedWithTheirAcks) {
    auto o = options();
    o.ping_interval = 50ms;
    auto c = start_up(o);
    ASSERT_TRUE(wait_until([&] { return fake_.received("ping").size() >= 2; }));
    ASSERT_TRUE(wait_until([&] { return in(*c, "") >= 3; }));  // subscribe + two pings
    EXPECT_GE(out(*c, "ping"), 2u);
    EXPECT_EQ(c->state(), LinkState::Up);
    EXPECT_EQ(fake_.connections(), 1);
}

TEST_F(AiBotConnectionTest, AnUndecodableFrameIsCountedAndTheConnectionGoesOn) {
    auto c = start_up(options());
    ASSERT_TRUE(fake_.send_text("not json"));
    ASSERT_TRUE(wait_until([&] { return c->stats().bad_frames.load() == 1; }));
    ASSERT_TRUE(fake_.send_message("req-1", aibot_text_body("m1", "zhangsan", "wrkG", "hi")));
    EXPECT_TRUE(fake_.wait_for_answer("aibot_respond_msg", "req-1").has_value());
    ASSERT_TRUE(answer_acks_.wait(1));
    EXPECT_TRUE(answer_acks_.results()[0].ok());
    EXPECT_EQ(c->state(), LinkState::Up);
    EXPECT_EQ(fake_.connections(), 1);
    EXPECT_EQ(c->stats().bad_frames.load(), 1u);
    EXPECT_EQ(seen().size(), 1u);
}

}  // namespace
}  // namespace groupdesk::test
