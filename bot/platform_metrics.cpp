// Counting and timing platform calls; rendering them and the outbox's state.
#include "bot/platform_metrics.h"

#include <chrono>
#include <cstdio>
#include <optional>

namespace groupdesk::bot {
namespace {

// Indexed by the numbers the calls below pass to measured(); new APIs go at the end.
constexpr std::array<std::string_view, 6> kApiNames = {
    "webhook", "response_url", "message_send", "custom_send", "autoreply_info", "template_send"};
constexpr std::array<std::string_view, 3> kOutcomeNames = {"ok", "retryable", "failed"};

std::string number(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v);
    return buffer;
}

}  // namespace

Status MeasuredApiClient::measured(std::size_t api, const std::function<Status()>& call) {
    const auto started = std::chrono::steady_clock::now();
    Status status = call();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Api& m = apis_[api];
    const std::size_t outcome =
        status.ok() ? 0 : (status.error().code == ErrorCode::Unavailable ? 1 : 2);
    m.outcomes[outcome].fetch_add(1, std::memory_order_relaxed);
    m.latency.observe(seconds);
    return status;
}

Status MeasuredApiClient::send_webhook(std::string_view key,
                                       const wecom::OutboundMessage& message) {
    return measured(0, [&] { return inner_.send_webhook(key, message); });
}
Status MeasuredApiClient::post_response_url(std::string_view url,
                                            const wecom::OutboundMessage& message) {
    return measured(1, [&] { return inner_.post_response_url(url, message); });
}
Status MeasuredApiClient::send_app_message(const config::Channel& channel, std::string_view user,
                                           const wecom::OutboundMessage& message) {
    return measured(2, [&] { return inner_.send_app_message(channel, user, message); });
}
Status MeasuredApiClient::send_custom_message(const config::Channel& channel,
                                              std::string_view openid,
                                              const wecom::OutboundMessage& message) {
    return measured(3, [&] { return inner_.send_custom_message(channel, openid, message); });
}

Status MeasuredApiClient::send_template_message(const config::Channel& channel,
                                                std::string_view openid,
                                                const wecom::TemplateMessage& message) {
    return measured(5, [&] { return inner_.send_template_message(channel, openid, message); });
}

Result<std::string> MeasuredApiClient::get_autoreply_info(const config::Channel& channel) {
    std::optional<Result<std::string>> answer;
    (void)measured(4, [&]() -> Status {
        answer.emplace(inner_.get_autoreply_info(channel));
        if (answer->ok()) return ok_status();
        return answer->error();
    });
    return std::move(*answer);
}

std::string MeasuredApiClient::render() const {
    std::string out;
    out += "# HELP groupdesk_platform_requests_total Platform API calls by API and outcome.\n";
    out += "# TYPE groupdesk_platform_requests_total counter\n";
    for (std::size_t a = 0; a < kApis; ++a) {
        for (std::size_t o = 0; o < kOutcomes; ++o) {
            out += "groupdesk_platform_requests_total{api=\"";
            out += kApiNames[a];
            out += "\",outcome=\"";
            out += kOutcomeNames[o];
            out += "\"} " + std::to_string(apis_[a].outcomes[o].load(std::memory_order_relaxed)) +
                   "\n";
        }
    }
    out += "# HELP groupdesk_platform_request_seconds Duration of platform API calls.\n";
    out += "# TYPE groupdesk_platform_request_seconds histogram\n";
    for (std::size_t a = 0; a < kApis; ++a) {
        apis_[a].latency.render(out, "groupdesk_platform_request_seconds",
                                "api=\"" + std::string(kApiNames[a]) + "\"");
    }
    return out;
}

std::string render_outbox_metrics(const tickets::OutboxWorker& worker, const Clock& clock) {
    using tickets::DeliveryOutcome;
    using tickets::Route;
    std::string out;
    out +=
        "# HELP groupdesk_notifications_total Notification delivery attempts by route and "
        "outcome.\n";
    out += "# TYPE groupdesk_notifications_total counter\n";
    for (Route route : {Route::Webhook, Route::ResponseUrl, Route::AppMessage, Route::CustomMessage,
                        Route::AiBotSendMsg, Route::None, Route::TemplateMessage}) {
        for (DeliveryOutcome outcome :
             {DeliveryOutcome::Sent, DeliveryOutcome::Retry, DeliveryOutcome::RateLimited,
              DeliveryOutcome::Failed, DeliveryOutcome::Undeliverable, DeliveryOutcome::Refused}) {
            out += "groupdesk_notifications_total{route=\"";
            out += tickets::to_string(route);
            out += "\",outcome=\"";
            out += tickets::to_string(outcome);
            out += "\"} " + std::to_string(worker.count(route, outcome)) + "\n";
        }
    }
    // Before the worker's first reading the gauges are left out rather than a false zero.
    const auto backlog = worker.backlog();
    if (!backlog) return out;
    out += "# HELP groupdesk_outbox_pending Notifications waiting for delivery.\n";
    out += "# TYPE groupdesk_outbox_pending gauge\n";
    out += "groupdesk_outbox_pending " + std::to_string(backlog->pending) + "\n";
    out +=
        "# HELP groupdesk_outbox_oldest_pending_seconds Age of the oldest waiting notification.\n";
    out += "# TYPE groupdesk_outbox_oldest_pending_seconds gauge\n";
    double age = 0;
    if (backlog->oldest_created_at) {
        age = std::chrono::duration<double>(clock.now() - *backlog->oldest_created_at).count();
        if (age < 0) age = 0;
    }
    out += "groupdesk_outbox_oldest_pending_seconds " + number(age) + "\n";
    return out;
}

}  // namespace groupdesk::bot
