// CallbackEndpoint under a stalled store: the I/O thread never waits on it, the platform gets a
// 503 by the answer deadline, the work completes once the store moves again, and the retry finds
// the answer recorded by that work. Under a failing store, the answer says only a public reason.
#include "bot/callback_endpoint.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>

#include "bot/deadline_timer.h"
#include "bot/plaintext_binding.h"
#include "bot/reply_writer.h"
#include "bot/work_queue.h"
#include "handlers/dedup.h"
#include "handlers/help_handler.h"
#include "tests/support/callbacks.h"
#include "tests/support/fake_clock.h"
#include "tests/support/memory_dedup_store.h"
#include "tests/support/vectors.h"

namespace groupdesk::bot {
namespace {

constexpr auto kBound = std::chrono::seconds(10);

// A store whose lookups wait while the gate is closed, as on a frozen filesystem.
class GatedStore final : public handlers::DedupStore {
public:
    Result<std::optional<std::string>> find(std::string_view key) override {
        std::unique_lock lock(mutex_);
        ++waiting_;
        changed_.notify_all();
        changed_.wait(lock, [this] { return open_; });
        --waiting_;
        lock.unlock();
        return inner_.find(key);
    }
    void record(std::string key, std::string answer, time_point at,
                handlers::DurableDone done) override {
        inner_.record(std::move(key), std::move(answer), at, std::move(done));
    }
    Result<std::size_t> expire_before(time_point cutoff, std::size_t limit) override {
        return inner_.expire_before(cutoff, limit);
    }
    void set_open(bool open) {
        std::lock_guard lock(mutex_);
        open_ = open;
        changed_.notify_all();
    }
    bool wait_for_waiters(int n) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, kBound, [&] { return waiting_ >= n; });
    }
    std::size_t records() const { return inner_.size(); }

private:
    test::MemoryDedupStore inner_;
    std::mutex mutex_;
    std::condition_variable changed_;
    bool open_ = true;
    int waiting_ = 0;
};

class CallbackEndpointTest : public ::testing::Test {
protected:
    CallbackEndpointTest() {
        const auto& c = test::vectors().at("channels").at("wecom");
        channel_ = config::Channel{"corp-app",         config::ChannelKind::WeCom,
                                   c.at("token"),      c.at("encoding_aes_key"),
                                   c.at("receive_id"), ""};
        settings_.answer_deadline = std::chrono::milliseconds(200);
        pipeline_.add(std::make_unique<handlers::DedupHandler>(store_));
        pipeline_.add(std::make_unique<handlers::HelpHandler>(handlers::default_help_texts()));
        auto crypt =
            wecom::MsgCrypt::create(channel_.token, channel_.encoding_aes_key, channel_.receive_id);
        endpoint_ = std::make_unique<CallbackEndpoint>(
            channel_, std::move(crypt).value(), pipeline_, clock_, metrics_,
            CallbackServices{workers_, deadlines_, binding_, settings_});
    }
    ~CallbackEndpointTest() override { store_.set_open(true); }

    HttpRequest help_request(int msg_id = 77) {
        auto callback = test::encrypted_callback(
            channel_,
            "<xml><ToUserName><![CDATA[ww3f8a2b1c4d5e6f70]]></ToUserName><FromUserName>"
            "<![CDATA[zhangsan]]></FromUserName><CreateTime>1767225601</CreateTime><MsgType>"
            "<![CDATA[text]]></MsgType><Content><![CDATA[help]]></Content><MsgId>" +
                std::to_string(msg_id) + "</MsgId><AgentID>1000002</AgentID></xml>",
            "1767225601", "n1");
        HttpRequest r;
        r.method = "POST";
        r.target = callback.target;
        r.body = callback.body;
        return r;
    }

    // Hands the request to the endpoint as the I/O thread would; the answer arrives later.
    std::future<HttpResponse> send(const HttpRequest& request) {
        auto answer = std::make_shared<std::promise<HttpResponse>>();
        endpoint_->handle(request, [answer](HttpResponse r) { answer->set_value(std::move(r)); });
        return answer->get_future();
    }

    config::Channel channel_;
    config::Callbacks settings_;
    test::FakeClock clock_{from_unix_seconds(1767225601)};
    Metrics metrics_{{"corp-app"}};
    GatedStore store_;
    handlers::Pipeline pipeline_;
    DeadlineTimer deadlines_;
    PlaintextBinding binding_{store_};
    std::unique_ptr<CallbackEndpoint> endpoint_;
    WorkQueue workers_{2, 16};  // last: destroyed first, while what its tasks use still exists
};

TEST_F(CallbackEndpointTest, AStalledStoreGetsA503ByTheDeadlineAndTheRetryFindsTheWork) {
    store_.set_open(false);
    auto first = send(help_request());  // returns at once: the lookup waits on a worker
    ASSERT_TRUE(store_.wait_for_waiters(1));
    ASSERT_EQ(first.wait_for(kBound), std::future_status::ready);
    const HttpResponse stalled = first.get();
    EXPECT_EQ(stalled.status, 503);
    EXPECT_EQ(stalled.body, "not answered in time, retry\n");

    // A retry while the first delivery is still stuck must not run the handlers a second time.
    store_.set_open(true);
    const auto deadline = std::chrono::steady_clock::now() + kBound;
    while (store_.records() == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(store_.records(), 1u);  // the work went on and was recorded

    auto retry = send(help_request());
    ASSERT_EQ(retry.wait_for(kBound), std::future_status::ready);
    const HttpResponse answered = retry.get();
    EXPECT_EQ(answered.status, 200);
    EXPECT_NE(test::open_reply(channel_, answered.body).find("<Content>"), std::string::npos);
    EXPECT_NE(metrics_.render().find(
                  "groupdesk_callbacks_total{channel=\"corp-app\",outcome=\"duplicate\"} 1"),
              std::string::npos);
}

TEST_F(CallbackEndpointTest, AFullWorkQueueAnswers503AtOnce) {
    store_.set_open(false);
    std::vector<std::future<HttpResponse>> answers;
    answers.reserve(18);
    // Two workers stuck, sixteen queued: the next one is refused without waiting.
    for (int i = 0; i < 2; ++i) answers.push_back(send(help_request(i)));
    ASSERT_TRUE(store_.wait_for_waiters(2));
    for (int i = 2; i < 18; ++i) answers.push_back(send(help_request(i)));
    EXPECT_EQ(workers_.queued(), 16u);
    auto refused = send(help_request(100));
    ASSERT_EQ(refused.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    EXPECT_EQ(refused.get().status, 503);
    for (auto& a : answers) {
        ASSERT_EQ(a.wait_for(kBound), std::future_status::ready);
        EXPECT_EQ(a.get().status, 503);
    }
}

// A store failing the way SQLite does: its message names the database file.
class FailingStore final : public handlers::DedupStore {
public:
    static constexpr std::string_view kMessage = "/var/lib/groupdesk/dedup.db: disk I/O error";
    Result<std::optional<std::string>> find(std::string_view) override {
        return make_error(ErrorCode::Unavailable, std::string(kMessage));
    }
    void record(std::string, std::string, time_point, handlers::DurableDone done) override {
        done(make_error(ErrorCode::Unavailable, std::string(kMessage)));
    }
    Result<std::size_t> expire_before(time_point, std::size_t) override {
        return make_error(ErrorCode::Unavailable, std::string(kMessage));
    }
};

TEST(CallbackEndpointErrors, AStorageFailureAnswersOnlyThePublicReason) {
    const auto& c = test::vectors().at("channels").at("mp");
    const config::Channel channel{
        "plain-account", config::ChannelKind::Mp, c.at("token"), "", c.at("receive_id"), ""};
    config::Callbacks settings;
    test::FakeClock clock{from_unix_seconds(1767225601)};
    Metrics metrics{{"plain-account"}};
    FailingStore store;
    handlers::Pipeline pipeline;
    DeadlineTimer deadlines;
    PlaintextBinding binding{store};
    WorkQueue workers{1, 4};
    CallbackEndpoint endpoint(channel, std::nullopt, pipeline, clock, metrics,
                              CallbackServices{workers, deadlines, binding, settings});
    auto callback = test::plaintext_callback(
        channel,
        "<xml><ToUserName><![CDATA[gh_5a3c7e9b1d2f]]></ToUserName><FromUserName><![CDATA[oUser]]>"
        "</FromUserName><CreateTime>1767225601</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[help]]></Content><MsgId>5</MsgId></xml>",
        "1767225601", "n5");
    HttpRequest request;
    request.method = "POST";
    request.target = callback.target;
    request.body = callback.body;
    auto answer = std::make_shared<std::promise<HttpResponse>>();
    endpoint.handle(request, [answer](HttpResponse r) { answer->set_value(std::move(r)); });
    auto future = answer->get_future();
    ASSERT_EQ(future.wait_for(kBound), std::future_status::ready);
    const HttpResponse response = future.get();
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(response.body, "temporarily unavailable, retry\n");
    EXPECT_EQ(response.body.find("dedup.db"), std::string::npos);
}

wecom::InboundMessage aibot_message(wecom::MessageBody body) {
    wecom::InboundMessage m;
    m.kind = config::ChannelKind::AiBot;
    m.msg_type = std::holds_alternative<wecom::EventBody>(body) ? "event" : "text";
    m.body = std::move(body);
    return m;
}

// What the AI bot takes as a passive reply (protocol brief §6, §10.3): a click only a card,
// other events (feedback_event...) nothing.
TEST(AcceptsPassiveReply, AClickTakesOnlyACardOtherEventsNothing) {
    const wecom::Reply text = wecom::TextReply{"hi"};
    const wecom::Reply card = wecom::TemplateCardReply{};
    const wecom::Reply update = wecom::CardUpdateReply{};
    const auto click = aibot_message(wecom::EventBody{"template_card_event", "k", "", {}});
    EXPECT_TRUE(accepts_passive_reply(update, click));
    EXPECT_TRUE(accepts_passive_reply(card, click));
    EXPECT_FALSE(accepts_passive_reply(text, click));
    EXPECT_FALSE(accepts_passive_reply(wecom::Reply{wecom::NewsReply{}}, click));
    const auto feedback = aibot_message(wecom::EventBody{"feedback_event", "", "", {}});
    for (const auto* reply : {&text, &card, &update}) {
        EXPECT_FALSE(accepts_passive_reply(*reply, feedback));
        EXPECT_TRUE(accepts_passive_reply(*reply, aibot_message(wecom::TextBody{"@bot"})));
        EXPECT_TRUE(accepts_passive_reply(
            *reply, aibot_message(wecom::EventBody{"enter_chat", "", "", {}})));
    }
    // XML channels take every reply; a card goes out as text there.
    auto xml_event = aibot_message(wecom::EventBody{"click", "k", "", {}});
    xml_event.kind = config::ChannelKind::WeCom;
    EXPECT_TRUE(accepts_passive_reply(card, xml_event));
}

}  // namespace
}  // namespace groupdesk::bot
