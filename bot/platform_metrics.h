// Metrics of the outbox and the platform calls it makes: a measuring ApiClient wrapped around the
// real one, and the outbox's backlog and delivery counts, in the Prometheus text format.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "common/clock.h"
#include "common/latency_histogram.h"
#include "tickets/outbox_store.h"
#include "tickets/outbox_worker.h"
#include "wecom/api_client.h"

namespace groupdesk::bot {

// groupdesk_platform_requests_total{api,outcome} (outcome: ok, retryable, failed) and
// groupdesk_platform_request_seconds{api}.
class MeasuredApiClient final : public wecom::ApiClient {
public:
    explicit MeasuredApiClient(wecom::ApiClient& inner) : inner_(inner) {}

    Status send_webhook(std::string_view key, const wecom::OutboundMessage& message) override;
    Status post_response_url(std::string_view url, const wecom::OutboundMessage& message) override;
    Status send_app_message(const config::Channel& channel, std::string_view user,
                            const wecom::OutboundMessage& message) override;
    Status send_custom_message(const config::Channel& channel, std::string_view openid,
                               const wecom::OutboundMessage& message) override;
    Status send_template_message(const config::Channel& channel, std::string_view openid,
                                 const wecom::TemplateMessage& message) override;
    Result<std::string> get_autoreply_info(const config::Channel& channel) override;

    std::string render() const;

private:
    static constexpr std::size_t kApis = 6;
    static constexpr std::size_t kOutcomes = 3;
    static constexpr std::array<double, 10> kBuckets = {0.01, 0.025, 0.05, 0.1, 0.25,
                                                        0.5,  1.0,   2.5,  5.0, 10.0};
    struct Api {
        std::array<std::atomic<std::uint64_t>, kOutcomes> outcomes{};
        LatencyHistogram<kBuckets.size()> latency{kBuckets};
    };

    Status measured(std::size_t api, const std::function<Status()>& call);

    wecom::ApiClient& inner_;
    std::array<Api, kApis> apis_{};
};

// groupdesk_notifications_total{route,outcome}, groupdesk_outbox_pending and
// groupdesk_outbox_oldest_pending_seconds (the worker's last reading: a scrape runs on an I/O
// thread and never reads the disk).
std::string render_outbox_metrics(const tickets::OutboxWorker& worker, const Clock& clock);

}  // namespace groupdesk::bot
