// OutboxWorker against a store whose read of due rows is older than a send that ends during it: the
// row that send delivered must not be handed out again from that read (no second send).
#include "tickets/outbox_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace groupdesk::tickets {
namespace {

using namespace std::chrono_literals;

// One webhook row. The second read of due rows takes its snapshot, lets the send finish, waits
// until the row is marked sent (and its conversation freed), then answers with the old snapshot.
class StaleReadStore final : public OutboxStore {
public:
    StaleReadStore() {
        row_.id = 1;
        row_.ticket = 7;
        row_.route = Route::Webhook;
        row_.channel = "bot";
        row_.target = "chat-a";
        row_.order_key = "bot/chat-a";
        row_.text = "工单 #7";
    }

    Result<std::vector<Notification>> due(time_point, std::size_t) override {
        std::unique_lock lock(mutex_);
        const int call = ++due_calls_;
        const bool pending = row_.state == DeliveryState::Pending;
        std::vector<Notification> snapshot;
        if (pending) snapshot.push_back(row_);
        if (call == 2 && pending) {
            snapshot_taken_ = true;
            changed_.notify_all();
            changed_.wait_for(lock, 5s, [&] { return row_.state == DeliveryState::Sent; });
            lock.unlock();
            std::this_thread::sleep_for(100ms);  // the sender frees the conversation meanwhile
        }
        return snapshot;
    }
    Result<std::optional<time_point>> next_due() override { return std::optional<time_point>(); }
    Result<Backlog> backlog() override { return Backlog{}; }
    Status mark_sent(std::int64_t, time_point at, int attempts) override {
        std::lock_guard lock(mutex_);
        row_.state = DeliveryState::Sent;
        row_.sent_at = at;
        row_.attempts = attempts;
        changed_.notify_all();
        return ok_status();
    }
    Status reschedule(std::int64_t, time_point, int, int, std::string) override {
        return ok_status();
    }
    Status finish(std::int64_t, DeliveryState, int, int, std::string) override {
        return ok_status();
    }
    Status retry(std::int64_t, time_point) override { return ok_status(); }
    Result<std::optional<Notification>> find(std::int64_t) override {
        std::lock_guard lock(mutex_);
        return std::optional<Notification>(row_);
    }
    Result<std::vector<Notification>> list(const NotificationQuery&) override {
        return std::vector<Notification>{};
    }

    // Called by the platform fake during the first send: blocks until the second read began.
    bool wait_for_snapshot() {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 5s, [&] { return snapshot_taken_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    Notification row_;
    int due_calls_ = 0;
    bool snapshot_taken_ = false;
};

class NoUrls final : public ResponseUrlStore {
public:
    void record(std::string, std::string, std::string, time_point, Done) override {}
    Result<std::optional<std::string>> take(std::string_view, std::string_view,
                                            time_point) override {
        return std::optional<std::string>();
    }
    Result<std::size_t> expire_before(time_point, std::size_t) override { return std::size_t{0}; }
};

// Counts webhook sends; the first one waits until the store's stale read has begun (the test pokes
// the worker so that it reads while this send is in flight).
class CountingApi final : public wecom::ApiClient {
public:
    CountingApi(StaleReadStore& store, std::atomic<OutboxWorker*>& worker)
        : store_(store), worker_(worker) {}
    Status send_webhook(std::string_view, const wecom::OutboundMessage&) override {
        if (sends_.fetch_add(1) == 0) {
            while (worker_ == nullptr) std::this_thread::sleep_for(1ms);
            worker_.load()->poke();
            EXPECT_TRUE(store_.wait_for_snapshot());
        }
        return ok_status();
    }
    Status post_response_url(std::string_view, const wecom::OutboundMessage&) override {
        return ok_status();
    }
    Status send_app_message(const config::Channel&, std::string_view,
                            const wecom::OutboundMessage&) override {
        return ok_status();
    }
    Status send_custom_message(const config::Channel&, std::string_view,
                               const wecom::OutboundMessage&) override {
        return ok_status();
    }
    Status send_template_message(const config::Channel&, std::string_view,
                                 const wecom::TemplateMessage&) override {
        return ok_status();
    }
    Result<std::string> get_autoreply_info(const config::Channel&) override {
        return make_error(ErrorCode::Unavailable, "not used here");
    }
    int sends() const { return sends_.load(); }

private:
    StaleReadStore& store_;
    std::atomic<OutboxWorker*>& worker_;
    std::atomic<int> sends_{0};
};

TEST(OutboxWorker, ARowSentWhileTheDueRowsWereReadIsNotSentAgain) {
    config::Config config;
    config::Channel channel;
    channel.name = "bot";
    channel.kind = config::ChannelKind::AiBot;
    channel.group_webhooks["chat-a"] = "key-a";
    config.channels.push_back(channel);
    config.outbox.rate_limits = false;
    SystemClock clock;
    StaleReadStore store;
    NoUrls urls;
    std::atomic<OutboxWorker*> worker_ptr{nullptr};
    CountingApi api(store, worker_ptr);
    {
        OutboxWorker worker(store, urls, api, config, clock);
        worker_ptr = &worker;
        // The stale read answered (after the 100 ms) and a second send, were there one, ended.
        std::this_thread::sleep_for(500ms);
        auto row = store.find(1);
        ASSERT_TRUE(row.ok());
        EXPECT_EQ((*row)->state, DeliveryState::Sent);
    }
    EXPECT_EQ(api.sends(), 1);
}

}  // namespace
}  // namespace groupdesk::tickets
