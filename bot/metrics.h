// Metrics: per-channel callback counters and latency histogram, rendered in the Prometheus text
// format for GET /metrics. Channels are registered up front so that the hot path only touches
// atomics, never a lock or a map insert.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bot/http_server_stats.h"

namespace groupdesk::bot {

// What happened to one callback request; the `outcome` label of groupdesk_callbacks_total.
enum class CallbackOutcome {
    Verified,      // URL verification answered
    Replied,       // passive reply sent
    NoReply,       // accepted, nothing to say
    Duplicate,     // a platform retry answered from the dedup record
    RetryLater,    // 503: could not be recorded durably, the platform will retry
    BadSignature,  // 403
    BadRequest,    // 400: malformed query, envelope, ciphertext or receive id
    MethodNotAllowed,
    kCount,
};

std::string_view to_string(CallbackOutcome outcome) noexcept;

class Metrics {
public:
    // Upper bounds of the latency histogram buckets, in seconds.
    static constexpr std::array<double, 12> kBuckets = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1.0};

    explicit Metrics(const std::vector<std::string>& channels);
    ~Metrics();

    // Unknown channel names are ignored (they are not callbacks of ours).
    void record_callback(std::string_view channel, CallbackOutcome outcome, double seconds);
    void record_dedup_hit(std::string_view channel);
    // Renders the HTTP server's connection counts too; `stats` must outlive this object's use.
    void observe(const HttpServerStats& stats) { http_ = &stats; }
    // Appends what `section` renders (another component's metrics) to every scrape. Set up
    // before the server starts; `section` must be safe to call from any thread.
    void add_section(std::function<std::string()> section) {
        sections_.push_back(std::move(section));
    }

    std::string render() const;

private:
    struct ChannelMetrics;
    ChannelMetrics* find(std::string_view channel) const;

    std::vector<std::unique_ptr<ChannelMetrics>> channels_;
    const HttpServerStats* http_ = nullptr;
    std::vector<std::function<std::string()>> sections_;
};

}  // namespace groupdesk::bot
