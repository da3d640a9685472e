// OutboxWorker: delivers the pending notifications on threads of its own — never the HTTP I/O
// threads nor the callback workers — one conversation at a time in the order of the changes,
// within the platforms' rate limits, retrying what may succeed later with backoff.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "config/config.h"
#include "tickets/outbox_store.h"
#include "tickets/rate_limiter.h"
#include "tickets/response_url_store.h"
#include "tickets/send_gate.h"
#include "tickets/ticket_store.h"
#include "wecom/aibot_push.h"
#include "wecom/api_client.h"

namespace groupdesk::tickets {

struct OutboxWorkerOptions {
    unsigned senders = 16;    // platform calls in flight at once (each may wait for its timeout)
    std::size_t batch = 256;  // due rows read per look at the store
    // The pushes of AI bots on a long connection (route aibot_send_msg); null when no channel
    // has one, and such rows end undeliverable. Outlives the worker.
    wecom::AiBotPush* aibot_push = nullptr;
    // The 48-hour window of Official Account users (route custom_message): asked before and
    // told after each send. Null: sends are left to the platform's answer alone.
    SendGate* window_gate = nullptr;
    // For a channel's template_fallback: the ticket a notification is about. Null: no fallback.
    TicketStore* tickets = nullptr;
};

// What became of delivery attempts, for the metrics.
// Refused: not sent because the user's reply window had closed or its quota was used.
enum class DeliveryOutcome { Sent, Retry, RateLimited, Failed, Undeliverable, Refused };
inline constexpr std::size_t kDeliveryOutcomes = 6;
inline constexpr std::size_t kRoutes = 7;
std::string_view to_string(DeliveryOutcome outcome) noexcept;

// A response_url is good for an hour after its callback (wecom-protocol.md §6).
inline constexpr std::chrono::hours kResponseUrlLifetime{1};

// At-least-once: a row is marked sent after the platform took it, so a crash between the two
// sends that one row again after the restart (docs/durability.md); nothing else is repeated.
class OutboxWorker {
public:
    // Everything passed in outlives the worker. Starts its threads; pending rows from before a
    // restart are delivered at once.
    OutboxWorker(OutboxStore& outbox, ResponseUrlStore& response_urls, wecom::ApiClient& api,
                 const config::Config& config, const Clock& clock,
                 OutboxWorkerOptions options = {});
    // Stops looking for rows, lets the sends in progress finish (queued rows stay pending for the
    // next start), joins.
    ~OutboxWorker();
    OutboxWorker(const OutboxWorker&) = delete;
    OutboxWorker& operator=(const OutboxWorker&) = delete;

    // A row was added (or came due): look now instead of at the next planned time.
    void poke();

    // Attempts so far by route and outcome.
    std::uint64_t count(Route route, DeliveryOutcome outcome) const;
    // The store's backlog as the worker last read it (at most a second old while it runs), so
    // that a metrics scrape never waits on the disk. nullopt until the first read.
    std::optional<OutboxStore::Backlog> backlog() const;

private:
    void dispatch_loop();
    void refresh_backlog(time_point now);
    void send_loop();
    void deliver(const Notification& row);
    // Route custom_message, through the window gate (outbox_window.cpp).
    void deliver_custom_message(const Notification& row, const config::Channel& channel,
                                time_point now);
    // A send the window stopped (ours or the platform's `errcode`): the template fallback for a
    // ticket notification where the channel has one, else the row ends `state` with the alert.
    void refuse(const Notification& row, const config::Channel& channel, int attempts,
                DeliveryState state, int errcode, const std::string& why, time_point now);
    void record_sent(const Notification& row, int attempts, time_point now);
    // The platform refused (or was not reached): retry, undeliverable or failed by the error.
    void record_failure(const Notification& row, int attempts, const Error& error, time_point now);
    // What a failed or waiting row becomes; `attempts` counts the call just made.
    void retry_or_fail(const Notification& row, int attempts, const Error& error, time_point now);
    std::chrono::milliseconds backoff(int attempts);
    void counted(Route route, DeliveryOutcome outcome);

    OutboxStore& outbox_;
    ResponseUrlStore& response_urls_;
    wecom::ApiClient& api_;
    const config::Config& config_;
    const Clock& clock_;
    const OutboxWorkerOptions options_;
    RateLimiter limiter_;
    std::array<std::array<std::atomic<std::uint64_t>, kDeliveryOutcomes>, kRoutes> counts_{};

    mutable std::mutex mutex_;
    std::condition_variable dispatch_wake_;
    std::condition_variable send_wake_;
    bool poked_ = false;
    bool stopping_ = false;
    std::optional<OutboxStore::Backlog> backlog_;  // the last reading
    time_point backlog_read_at_{};                 // dispatcher thread only
    std::deque<Notification> queue_;               // handed to the senders
    std::set<std::string> busy_conversations_;     // order keys with a row queued or in flight
    // Rows the platform took whose mark failed: when and after how many attempts. Marked again
    // by the dispatcher, never sent again by this worker.
    std::map<std::int64_t, std::pair<time_point, int>> sent_unmarked_;
    Clock::WatchId clock_watch_ = 0;

    std::vector<std::thread> senders_;
    std::thread dispatcher_;  // last: starts once everything above exists
};

}  // namespace groupdesk::tickets
