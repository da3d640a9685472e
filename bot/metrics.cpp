// Prometheus text rendering of the callback metrics.
#include "bot/metrics.h"

#include <initializer_list>
#include <utility>

#include "common/latency_histogram.h"

namespace groupdesk::bot {

std::string_view to_string(CallbackOutcome outcome) noexcept {
    switch (outcome) {
        case CallbackOutcome::Verified:
            return "verified";
        case CallbackOutcome::Replied:
            return "replied";
        case CallbackOutcome::NoReply:
            return "no_reply";
        case CallbackOutcome::Duplicate:
            return "duplicate";
        case CallbackOutcome::RetryLater:
            return "retry_later";
        case CallbackOutcome::BadSignature:
            return "bad_signature";
        case CallbackOutcome::BadRequest:
            return "bad_request";
        case CallbackOutcome::MethodNotAllowed:
            return "method_not_allowed";
        case CallbackOutcome::kCount:
            break;
    }
    return "unknown";
}

struct Metrics::ChannelMetrics {
    std::string name;
    std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(CallbackOutcome::kCount)>
        outcomes{};
    LatencyHistogram<kBuckets.size()> latency{kBuckets};
    std::atomic<std::uint64_t> dedup_hits{0};
};

Metrics::Metrics(const std::vector<std::string>& channels) {
    for (const auto& name : channels) {
        auto m = std::make_unique<ChannelMetrics>();
        m->name = name;
        channels_.push_back(std::move(m));
    }
}

Metrics::~Metrics() = default;

Metrics::ChannelMetrics* Metrics::find(std::string_view channel) const {
    for (const auto& m : channels_) {
        if (m->name == channel) return m.get();
    }
    return nullptr;
}

void Metrics::record_callback(std::string_view channel, CallbackOutcome outcome, double seconds) {
    ChannelMetrics* m = find(channel);
    if (m == nullptr || outcome == CallbackOutcome::kCount) return;
    m->outcomes[static_cast<std::size_t>(outcome)].fetch_add(1, std::memory_order_relaxed);
    m->latency.observe(seconds);
}

void Metrics::record_dedup_hit(std::string_view channel) {
    if (ChannelMetrics* m = find(channel)) m->dedup_hits.fetch_add(1, std::memory_order_relaxed);
}

namespace {

std::string value(const std::atomic<std::uint64_t>& v) {
    return std::to_string(v.load(std::memory_order_relaxed));
}

// "# HELP", "# TYPE" and the samples of one metric family.
void family(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            std::initializer_list<std::pair<std::string_view, std::string>> samples) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
    for (const auto& [labels, sample] : samples) {
        out.append(name).append(labels).append(" ").append(sample).append("\n");
    }
}

void render_http(const HttpServerStats& s, std::string& out) {
    family(out, "groupdesk_connections_open", "gauge",
           "HTTP connections open (counted in http.max_connections).",
           {{"", value(s.connections_open)}});
    family(out, "groupdesk_connections_rejected_total", "counter",
           "Connections answered 503 at http.max_connections.",
           {{"", value(s.connections_rejected)}});
    family(out, "groupdesk_connections_closed_total", "counter",
           "Connections closed to make room for others.",
           {{"{reason=\"slow_header\"}", value(s.closed_slow_header)},
            {"{reason=\"idle\"}", value(s.closed_idle)},
            {"{reason=\"body_shed\"}", value(s.closed_body_shed)}});
    family(out, "groupdesk_buffered_body_bytes", "gauge",
           "Bytes reserved for request bodies being received.",
           {{"", value(s.buffered_body_bytes)}});
    family(out, "groupdesk_body_budget_rejected_total", "counter",
           "Requests answered 503 at http.max_buffered_body_bytes.",
           {{"", value(s.bodies_rejected)}});
}

}  // namespace

std::string Metrics::render() const {
    std::string out;
    out += "# HELP groupdesk_callbacks_total Platform callback requests by channel and outcome.\n";
    out += "# TYPE groupdesk_callbacks_total counter\n";
    for (const auto& m : channels_) {
        for (std::size_t i = 0; i < m->outcomes.size(); ++i) {
            out += "groupdesk_callbacks_total{channel=\"" + m->name + "\",outcome=\"";
            out += to_string(static_cast<CallbackOutcome>(i));
            out += "\"} " + std::to_string(m->outcomes[i].load(std::memory_order_relaxed)) + "\n";
        }
    }
    out += "# HELP groupdesk_callback_seconds Time from a complete request to its answer.\n";
    out += "# TYPE groupdesk_callback_seconds histogram\n";
    for (const auto& m : channels_) {
        m->latency.render(out, "groupdesk_callback_seconds", "channel=\"" + m->name + "\"");
    }
    out += "# HELP groupdesk_dedup_hits_total Platform retries answered from the dedup record.\n";
    out += "# TYPE groupdesk_dedup_hits_total counter\n";
    for (const auto& m : channels_) {
        out += "groupdesk_dedup_hits_total{channel=\"" + m->name + "\"} " +
               std::to_string(m->dedup_hits.load(std::memory_order_relaxed)) + "\n";
    }
    if (http_ != nullptr) render_http(*http_, out);
    for (const auto& section : sections_) out += section();
    return out;
}

}  // namespace groupdesk::bot
