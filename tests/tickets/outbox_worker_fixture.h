// OutboxWorker tests' shared fixture: a scripted platform, an observed in-memory outbox, the
// response_url store and a clock the tests move.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/fake_clock.h"
#include "tests/support/memory_outbox_store.h"
#include "tests/support/memory_response_url_store.h"
#include "tickets/outbox_worker.h"

namespace groupdesk::tickets::outbox_fixture {

using namespace std::chrono_literals;

constexpr auto kBound = 20s;  // generous: a wait that takes this long has failed
inline const time_point kStart = time_point{std::chrono::seconds{1767225600}};
inline const std::string kChat = "wrkSFfCgAAxxxx";   // has a webhook
inline const std::string kOther = "wrkSFfCgAAyyyy";  // has a webhook too
inline const std::string kBare = "wrkSFfCgAAzzzz";   // has none

inline Status unavailable(int errcode) {
    return make_error(ErrorCode::Unavailable, "errcode " + std::to_string(errcode) + ": busy",
                      errcode);
}
inline Status refused(int errcode) {
    return make_error(ErrorCode::FailedPrecondition,
                      "errcode " + std::to_string(errcode) + ": invalid", errcode);
}

struct Call {
    int seq = 0;
    std::string kind;    // "webhook", "response_url", "app", "custom"
    std::string target;  // the key, the url, the user or the openid
    std::string content;
};

// A template message as the fake platform received it.
struct TemplateCall {
    std::string openid;
    std::string template_id;
    std::vector<std::pair<std::string, std::string>> data;
    std::string client_msg_id;
};

// The platform: records every call, answers from a script per message content (ok once it runs
// out), and can hold calls of one content until released.
class ScriptedApi final : public wecom::ApiClient {
public:
    void script(const std::string& content, std::vector<Status> answers) {
        std::lock_guard lock(mutex_);
        for (auto& a : answers) answers_[content].push_back(std::move(a));
    }
    void hold(const std::string& content) {
        std::lock_guard lock(mutex_);
        held_.insert(content);
    }
    void release(const std::string& content) {
        std::lock_guard lock(mutex_);
        held_.erase(content);
        changed_.notify_all();
    }
    bool wait_for_calls(std::size_t n) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, kBound, [&] { return calls_.size() >= n; });
    }
    std::vector<Call> calls() const {
        std::lock_guard lock(mutex_);
        return calls_;
    }
    std::vector<TemplateCall> template_calls() const {
        std::lock_guard lock(mutex_);
        return template_calls_;
    }
    std::vector<std::string> contents() const {
        std::vector<std::string> out;
        for (const auto& c : calls()) out.push_back(c.content);
        return out;
    }

    Status send_webhook(std::string_view key, const wecom::OutboundMessage& m) override {
        return answer("webhook", key, m);
    }
    Status post_response_url(std::string_view url, const wecom::OutboundMessage& m) override {
        return answer("response_url", url, m);
    }
    Status send_app_message(const config::Channel&, std::string_view user,
                            const wecom::OutboundMessage& m) override {
        return answer("app", user, m);
    }
    Status send_custom_message(const config::Channel&, std::string_view openid,
                               const wecom::OutboundMessage& m) override {
        return answer("custom", openid, m);
    }
    Status send_template_message(const config::Channel&, std::string_view openid,
                                 const wecom::TemplateMessage& m) override {
        std::lock_guard lock(mutex_);
        template_calls_.push_back({std::string(openid), m.template_id, m.data, m.client_msg_id});
        changed_.notify_all();
        return ok_status();
    }
    Result<std::string> get_autoreply_info(const config::Channel&) override {
        return make_error(ErrorCode::Unavailable, "not scripted");
    }

private:
    Status answer(std::string kind, std::string_view target, const wecom::OutboundMessage& m) {
        std::unique_lock lock(mutex_);
        calls_.push_back(
            {static_cast<int>(calls_.size()) + 1, std::move(kind), std::string(target), m.content});
        Status out = ok_status();
        auto& script = answers_[m.content];
        if (!script.empty()) {
            out = std::move(script.front());
            script.pop_front();
        }
        changed_.notify_all();
        changed_.wait(lock, [&] { return !held_.contains(m.content); });
        return out;
    }

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Call> calls_;
    std::vector<TemplateCall> template_calls_;
    std::map<std::string, std::deque<Status>> answers_;
    std::set<std::string> held_;
};

// The in-memory store, observed: tests wait for its rows to change; it can hold one read of the
// due rows until released, and fail the marks of chosen rows.
class ObservedOutbox final : public OutboxStore {
public:
    test::MemoryOutboxStore rows;

    Result<std::vector<Notification>> due(time_point now, std::size_t limit) override {
        auto out = rows.due(now, limit);
        std::unique_lock lock(mutex_);
        ++due_reads_;
        if (gate_armed_) {
            gate_armed_ = false;
            gated_ = true;
            changed_.notify_all();
            changed_.wait(lock, [&] { return !gated_; });
        }
        changed_.notify_all();
        return out;
    }
    Result<std::optional<time_point>> next_due() override { return rows.next_due(); }
    Result<Backlog> backlog() override { return rows.backlog(); }
    Status mark_sent(std::int64_t id, time_point at, int attempts) override {
        {
            std::lock_guard lock(mutex_);
            if (failing_marks_.contains(id) && fail_marks_ != 0) {
                if (fail_marks_ > 0) --fail_marks_;
                ++failed_marks_;
                changed_.notify_all();
                return make_error(ErrorCode::Unavailable, "disk I/O error");
            }
        }
        return changed(rows.mark_sent(id, at, attempts));
    }
    Status reschedule(std::int64_t id, time_point at, int attempts, int errcode,
                      std::string error) override {
        return changed(rows.reschedule(id, at, attempts, errcode, std::move(error)));
    }
    Status finish(std::int64_t id, DeliveryState state, int attempts, int errcode,
                  std::string error) override {
        return changed(rows.finish(id, state, attempts, errcode, std::move(error)));
    }
    Status finish_with(std::int64_t id, DeliveryState state, int attempts, int errcode,
                       std::string error, std::vector<Notification> follow_ups,
                       time_point at) override {
        return changed(rows.finish_with(id, state, attempts, errcode, std::move(error),
                                        std::move(follow_ups), at));
    }
    Status mark_sent_instead(std::int64_t id, time_point at, int attempts, Route route, int errcode,
                             std::string why) override {
        return changed(rows.mark_sent_instead(id, at, attempts, route, errcode, std::move(why)));
    }
    Status retry(std::int64_t id, time_point now) override { return rows.retry(id, now); }
    Result<std::vector<std::int64_t>> enqueue(std::vector<Notification> new_rows,
                                              time_point at) override {
        auto ids = rows.enqueue(std::move(new_rows), at);
        (void)changed(ok_status());
        return ids;
    }
    Result<std::optional<Notification>> find(std::int64_t id) override { return rows.find(id); }
    Result<std::vector<Notification>> list(const NotificationQuery& q) override {
        return rows.list(q);
    }

    // Marking row `id` sent fails `times` times (-1: until heal()).
    void fail_marks(std::int64_t id, int times) {
        std::lock_guard lock(mutex_);
        failing_marks_.insert(id);
        fail_marks_ = times;
    }
    void heal() {
        std::lock_guard lock(mutex_);
        fail_marks_ = 0;
    }
    // The next read of due rows waits, once it has read, until open_gate().
    void arm_gate() {
        std::lock_guard lock(mutex_);
        gate_armed_ = true;
    }
    void open_gate() {
        std::lock_guard lock(mutex_);
        gated_ = false;
        changed_.notify_all();
    }
    int due_reads() const {
        std::lock_guard lock(mutex_);
        return due_reads_;
    }
    bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds bound = kBound) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, bound, done);
    }
    int due_reads_locked() const { return due_reads_; }  // inside wait_until only
    bool wait_gated() {
        return wait_until([&] { return gated_; });
    }
    bool wait_due_reads(int n) {
        return wait_until([&] { return due_reads_ >= n; });
    }
    bool wait_failed_marks(int n) {
        return wait_until([&] { return failed_marks_ >= n; });
    }

private:
    Status changed(Status s) {
        std::lock_guard lock(mutex_);
        changed_.notify_all();
        return s;
    }

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    int due_reads_ = 0;
    bool gate_armed_ = false;
    bool gated_ = false;
    std::set<std::int64_t> failing_marks_;
    int fail_marks_ = 0;
    int failed_marks_ = 0;
};

class OutboxWorkerTest : public ::testing::Test {
protected:
    OutboxWorkerTest() {
        config::Channel bot;
        bot.name = "group-bot";
        bot.kind = config::ChannelKind::AiBot;
        bot.group_webhooks = {{kChat, "KEY-CHAT"}, {kOther, "KEY-OTHER"}};
        config::Channel app;
        app.name = "app";
        app.kind = config::ChannelKind::WeCom;
        config::Channel mp;
        mp.name = "mp";
        mp.kind = config::ChannelKind::Mp;
        config_.channels = {bot, app, mp};
    }

    static Notification row(std::string text, Route route = Route::Webhook,
                            const std::string& target = kChat,
                            const std::string& channel = "group-bot") {
        Notification n;
        n.route = route;
        n.channel = channel;
        n.target = target;
        n.order_key = channel + "/" + target;
        n.text = std::move(text);
        return n;
    }
    void add(std::vector<Notification> rows) { store_.rows.add(1, std::move(rows), clock_.now()); }
    void start(unsigned senders = 4, std::size_t batch = 256) {
        worker_ = std::make_unique<OutboxWorker>(store_, urls_, api_, config_, clock_,
                                                 OutboxWorkerOptions{senders, batch});
    }
    Notification stored(std::int64_t id) {
        auto found = store_.rows.find(id);
        EXPECT_TRUE(found.ok() && found->has_value()) << "no row " << id;
        return found.ok() && found->has_value() ? **found : Notification{};
    }
    bool wait_state(std::int64_t id, DeliveryState state) {
        return store_.wait_until([&] { return stored(id).state == state; });
    }
    bool wait_attempts(std::int64_t id, int attempts) {
        return store_.wait_until([&] { return stored(id).attempts >= attempts; });
    }
    int calls_with(const std::string& content) const {
        int n = 0;
        for (const auto& c : api_.calls()) n += c.content == content ? 1 : 0;
        return n;
    }

    ObservedOutbox store_;
    test::MemoryResponseUrlStore urls_;
    ScriptedApi api_;
    config::Config config_;
    test::FakeClock clock_{kStart};
    std::unique_ptr<OutboxWorker> worker_;  // last: stops before everything it uses
};

}  // namespace groupdesk::tickets::outbox_fixture
