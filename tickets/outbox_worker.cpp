// OutboxWorker: a dispatcher that reads due rows and hands each conversation's head to a sender;
// senders resolve the route, keep the rate limits, call the platform and record the outcome.
#include "tickets/outbox_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <span>

namespace groupdesk::tickets {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// The platforms' documented send limits (wecom-protocol.md §7, §11; issue notes for the AI bot).
constexpr RateLimiter::Limit kWebhookLimits[] = {{20, minutes{1}}};
constexpr RateLimiter::Limit kAiBotChatLimits[] = {{30, minutes{1}}, {1000, minutes{60}}};
constexpr RateLimiter::Limit kAppMemberLimits[] = {{30, minutes{1}}, {1000, minutes{60}}};

// A store that fails is looked at again after this, not in a tight loop.
constexpr auto kStoreRetry = seconds{1};
// With nothing pending the dispatcher still looks once in a while: cheap insurance.
constexpr auto kIdleLook = minutes{1};

std::size_t index_of(Route route) { return static_cast<std::size_t>(route); }
std::size_t index_of(DeliveryOutcome outcome) { return static_cast<std::size_t>(outcome); }

// The store keeps times to the second and drops the rest: a row is scheduled at the next whole
// second, or it would come due before its backoff or its rate-limit slot.
time_point whole_second_at_or_after(time_point t) { return std::chrono::ceil<seconds>(t); }

const config::Channel* find_channel(const config::Config& config, std::string_view name) {
    return config.find_channel(name);
}

}  // namespace

std::string_view to_string(DeliveryOutcome outcome) noexcept {
    switch (outcome) {
        case DeliveryOutcome::Sent:
            return "sent";
        case DeliveryOutcome::Retry:
            return "retry";
        case DeliveryOutcome::RateLimited:
            return "rate_limited";
        case DeliveryOutcome::Failed:
            return "failed";
        case DeliveryOutcome::Undeliverable:
            return "undeliverable";
        case DeliveryOutcome::Refused:
            return "refused";
    }
    return "unknown";
}

OutboxWorker::OutboxWorker(OutboxStore& outbox, ResponseUrlStore& response_urls,
                           wecom::ApiClient& api, const config::Config& config, const Clock& clock,
                           OutboxWorkerOptions options)
    : outbox_(outbox),
      response_urls_(response_urls),
      api_(api),
      config_(config),
      clock_(clock),
      options_(options) {
    clock_watch_ = clock_.watch([this] { poke(); });
    const unsigned senders = std::max(1u, options_.senders);
    for (unsigned i = 0; i < senders; ++i) senders_.emplace_back([this] { send_loop(); });
    dispatcher_ = std::thread([this] { dispatch_loop(); });
}

OutboxWorker::~OutboxWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    dispatch_wake_.notify_all();
    send_wake_.notify_all();
    if (dispatcher_.joinable()) dispatcher_.join();
    for (auto& t : senders_) t.join();
    clock_.unwatch(clock_watch_);
}

void OutboxWorker::poke() {
    {
        std::lock_guard lock(mutex_);
        poked_ = true;
    }
    dispatch_wake_.notify_all();
}

std::uint64_t OutboxWorker::count(Route route, DeliveryOutcome outcome) const {
    return counts_[index_of(route)][index_of(outcome)].load(std::memory_order_relaxed);
}

void OutboxWorker::counted(Route route, DeliveryOutcome outcome) {
    counts_[index_of(route)][index_of(outcome)].fetch_add(1, std::memory_order_relaxed);
}

std::optional<OutboxStore::Backlog> OutboxWorker::backlog() const {
    std::lock_guard lock(mutex_);
    return backlog_;
}

void OutboxWorker::refresh_backlog(time_point now) {
    constexpr auto kEvery = seconds{1};
    if (backlog_read_at_ != time_point{} && now - backlog_read_at_ < kEvery) return;
    backlog_read_at_ = now;
    auto backlog = outbox_.backlog();
    if (!backlog.ok()) return;  // keep the last reading
    std::lock_guard lock(mutex_);
    backlog_ = *backlog;
}

void OutboxWorker::dispatch_loop() {
    for (;;) {
        // Conversations with a send in flight before the read: what the read says of them may be
        // stale by the time it is looked at (their head sent and marked meanwhile).
        std::set<std::string> busy_before;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            poked_ = false;
            busy_before = busy_conversations_;
        }
        const time_point now = clock_.now();
        refresh_backlog(now);
        auto due = outbox_.due(now, options_.batch);
        Clock::duration wait = kIdleLook;
        if (!due.ok()) {
            spdlog::warn("outbox: reading due notifications failed: {}", due.error().message);
            wait = kStoreRetry;
        } else {
            std::vector<std::pair<std::int64_t, std::pair<time_point, int>>> to_mark;
            bool queued = false;
            {
                std::lock_guard lock(mutex_);
                for (auto& row : *due) {
                    // One row per conversation at a time keeps the order of the changes.
                    if (busy_before.contains(row.order_key)) continue;  // its sender pokes
                    if (auto it = sent_unmarked_.find(row.id); it != sent_unmarked_.end()) {
                        to_mark.emplace_back(*it);  // sent already: only the mark is missing
                        continue;
                    }
                    if (!busy_conversations_.insert(row.order_key).second) continue;
                    queue_.push_back(std::move(row));
                    queued = true;
                }
            }
            send_wake_.notify_all();
            bool marked = false;
            bool mark_failed = false;
            for (const auto& [id, sent] : to_mark) {
                if (outbox_.mark_sent(id, sent.first, sent.second).ok()) {
                    std::lock_guard lock(mutex_);
                    sent_unmarked_.erase(id);
                    marked = true;
                } else {
                    mark_failed = true;
                }
            }
            // More may be due right now: the rest of a full batch, or the rows after those marked.
            // A full batch of busy conversations reads the same again: wait for a send to end.
            if (marked || (queued && due->size() == options_.batch)) continue;
            auto next = outbox_.next_due();
            if (next.ok() && next->has_value()) {
                // A due row whose conversation is busy waits for that send to end (it pokes).
                wait = std::max<Clock::duration>(**next - now, Clock::duration::zero());
                if (wait == Clock::duration::zero()) wait = kIdleLook;
            } else if (!next.ok()) {
                wait = kStoreRetry;
            }
            if (mark_failed) wait = std::min<Clock::duration>(wait, kStoreRetry);
        }
        std::unique_lock lock(mutex_);
        // Real time, not the clock: a test's FakeClock wakes this through its jump watcher.
        dispatch_wake_.wait_for(lock, std::min<Clock::duration>(wait, kIdleLook),
                                [&] { return stopping_ || poked_; });
    }
}

void OutboxWorker::send_loop() {
    for (;;) {
        Notification row;
        {
            std::unique_lock lock(mutex_);
            send_wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            // Stopping: rows queued but not started stay pending in the store and go after the
            // next start, so a platform that times out cannot hold the shutdown for long.
            if (stopping_) return;
            row = std::move(queue_.front());
            queue_.pop_front();
        }
        try {
            deliver(row);
        } catch (const std::exception& e) {
            spdlog::error("outbox: delivering notification {} threw: {}", row.id, e.what());
        }
        {
            std::lock_guard lock(mutex_);
            busy_conversations_.erase(row.order_key);
            poked_ = true;  // its conversation's next row may go now
        }
        dispatch_wake_.notify_all();
    }
}

std::chrono::milliseconds OutboxWorker::backoff(int attempts) {
    const auto& o = config_.outbox;
    auto delay = o.retry_initial;
    for (int i = 1; i < attempts && delay < o.retry_max; ++i) delay *= 2;
    delay = std::min(delay, o.retry_max);
    // Jitter: anywhere in the upper half, so rows that failed together do not return together.
    thread_local std::minstd_rand random{std::random_device{}()};
    std::uniform_int_distribution<long long> pick(delay.count() / 2, delay.count());
    return std::chrono::milliseconds{pick(random)};
}

void OutboxWorker::retry_or_fail(const Notification& row, int attempts, const Error& error,
                                 time_point now) {
    const time_point at = whole_second_at_or_after(now + backoff(attempts));
    if (at - row.created_at > config_.outbox.give_up_after) {
        counted(row.route, DeliveryOutcome::Failed);
        spdlog::warn("outbox: notification {} ticket {} route {} gave up after {} attempts: {}",
                     row.id, row.ticket, to_string(row.route), attempts, error.message);
        (void)outbox_.finish(row.id, DeliveryState::Failed, attempts, error.detail,
                             "gave up retrying: " + error.message);
        return;
    }
    counted(row.route, DeliveryOutcome::Retry);
    auto saved = outbox_.reschedule(row.id, at, attempts, error.detail, error.message);
    if (!saved.ok())
        spdlog::warn("outbox: rescheduling {} failed: {}", row.id, saved.error().message);
}

void OutboxWorker::record_sent(const Notification& row, int attempts, time_point now) {
    counted(row.route, DeliveryOutcome::Sent);
    spdlog::info("outbox: notification {} ticket {} route {} attempt {} sent", row.id, row.ticket,
                 to_string(row.route), attempts);
    auto saved = outbox_.mark_sent(row.id, now, attempts);
    if (!saved.ok()) {
        // Sent but not marked: the dispatcher marks it again; only a restart before that sends
        // it twice (at-least-once).
        spdlog::error("outbox: notification {} was sent but not marked: {}", row.id,
                      saved.error().message);
        std::lock_guard lock(mutex_);
        sent_unmarked_[row.id] = {now, attempts};
    }
}

void OutboxWorker::deliver(const Notification& row) {
    const time_point now = clock_.now();
    const config::Channel* channel = find_channel(config_, row.channel);
    auto finish = [&](DeliveryState state, DeliveryOutcome outcome, int errcode,
                      const std::string& why) {
        counted(row.route, outcome);
        spdlog::warn("outbox: notification {} ticket {} route {} attempt {} {}: {}", row.id,
                     row.ticket, to_string(row.route), row.attempts, to_string(outcome), why);
        auto saved = outbox_.finish(row.id, state, row.attempts, errcode, why);
        if (!saved.ok())
            spdlog::warn("outbox: finishing {} failed: {}", row.id, saved.error().message);
    };
    // An alert to the agents' webhook names no channel: its key is reply_window's.
    const bool agents_webhook =
        row.kind == NotificationKind::Alert && row.route == Route::Webhook && row.channel.empty();
    if ((channel == nullptr && !agents_webhook) || row.route == Route::None ||
        row.route == Route::TemplateMessage) {
        finish(DeliveryState::Undeliverable, DeliveryOutcome::Undeliverable, 0,
               "channel " + row.channel + " has no route to " + row.target);
        return;
    }

    // The rate limit first: a send that has to wait must not use up a response_url.
    std::string rate_key;
    std::span<const RateLimiter::Limit> limits;
    std::string webhook_key;
    if (agents_webhook) {
        webhook_key = config_.reply_window.alerts_to.webhook_key;
    } else if (row.route == Route::Webhook) {
        const auto it = channel->group_webhooks.find(row.target);
        if (it != channel->group_webhooks.end()) webhook_key = it->second;
    }
    if (!webhook_key.empty()) {
        rate_key = "webhook:" + webhook_key;
        limits = kWebhookLimits;
    } else if (row.route == Route::ResponseUrl) {
        rate_key = "aibot:" + row.order_key;
        limits = kAiBotChatLimits;
    } else if (row.route == Route::AiBotSendMsg) {
        // Replies count against the same per-chat limit (§10.4); they are few next to pushes.
        rate_key = "aibot:" + row.order_key;
        limits = kAiBotChatLimits;
    } else if (row.route == Route::AppMessage) {
        rate_key = "app:" + row.order_key;
        limits = kAppMemberLimits;
    }
    if (config_.outbox.rate_limits && !rate_key.empty()) {
        if (auto free_at = limiter_.try_acquire(rate_key, limits, now)) {
            counted(row.route, DeliveryOutcome::RateLimited);
            // Waiting its turn is not an attempt, and the last real error stays visible.
            auto saved = outbox_.reschedule(row.id, whole_second_at_or_after(*free_at),
                                            row.attempts, row.last_errcode, row.last_error);
            if (!saved.ok()) spdlog::warn("outbox: rescheduling {} failed", row.id);
            return;
        }
    }

    const wecom::OutboundMessage message{row.markdown, row.text, row.mentions};
    Status sent = ok_status();
    switch (row.route) {
        case Route::Webhook:
            if (webhook_key.empty()) {
                finish(DeliveryState::Undeliverable, DeliveryOutcome::Undeliverable, 0,
                       "no webhook configured for chat " + row.target);
                return;
            }
            sent = api_.send_webhook(webhook_key, message);
            break;
        case Route::ResponseUrl: {
            auto url = response_urls_.take(row.channel, row.target, now - kResponseUrlLifetime);
            if (!url.ok()) {
                retry_or_fail(row, row.attempts, url.error(), now);
                return;
            }
            if (!url->has_value()) {
                finish(
                    DeliveryState::Undeliverable, DeliveryOutcome::Undeliverable, 0,
                    "no webhook configured for chat " + row.target + " and no fresh response_url");
                return;
            }
            sent = api_.post_response_url(**url, message);
            break;
        }
        case Route::AiBotSendMsg:
            if (options_.aibot_push == nullptr) {
                finish(DeliveryState::Undeliverable, DeliveryOutcome::Undeliverable, 0,
                       "channel " + row.channel + " has no long connection");
                return;
            }
            sent = options_.aibot_push->push(*channel, row.target, message);
            break;
        case Route::AppMessage:
            sent = api_.send_app_message(*channel, row.target, message);
            break;
        case Route::CustomMessage:
            deliver_custom_message(row, *channel, now);
            return;
        case Route::None:
        case Route::TemplateMessage:
            return;  // handled above
    }
    const int attempts = row.attempts + 1;
    if (sent.ok()) {
        record_sent(row, attempts, now);
        return;
    }
    record_failure(row, attempts, sent.error(), now);
}

void OutboxWorker::record_failure(const Notification& row, int attempts, const Error& error,
                                  time_point now) {
    spdlog::info("outbox: notification {} ticket {} route {} attempt {} errcode {}: {}", row.id,
                 row.ticket, to_string(row.route), attempts, error.detail, error.message);
    if (error.code == ErrorCode::Unavailable) {
        retry_or_fail(row, attempts, error, now);
        return;
    }
    if (error.code == ErrorCode::NotFound) {
        // Nothing reaches the conversation (a push into a chat that never wrote to the bot).
        counted(row.route, DeliveryOutcome::Undeliverable);
        auto saved = outbox_.finish(row.id, DeliveryState::Undeliverable, attempts, error.detail,
                                    error.message);
        if (!saved.ok())
            spdlog::warn("outbox: finishing {} failed: {}", row.id, saved.error().message);
        return;
    }
    counted(row.route, DeliveryOutcome::Failed);
    auto saved =
        outbox_.finish(row.id, DeliveryState::Failed, attempts, error.detail, error.message);
    if (!saved.ok()) spdlog::warn("outbox: finishing {} failed: {}", row.id, saved.error().message);
}

}  // namespace groupdesk::tickets
