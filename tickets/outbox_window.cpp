// The reply window's part of delivery: a customer-service message goes only through the window
// gate, and one the window stops becomes a template message or a refusal with an alert.
#include <spdlog/spdlog.h>

#include "tickets/outbox_worker.h"
#include "tickets/template_fallback.h"

namespace groupdesk::tickets {
namespace {

// A gate whose store failed is asked again after this; waiting is not an attempt.
constexpr auto kGateRetry = std::chrono::seconds{1};

DeliveryState state_of(SendCheck check) {
    return check == SendCheck::QuotaExhausted ? DeliveryState::QuotaExhausted
                                              : DeliveryState::WindowClosed;
}

}  // namespace

void OutboxWorker::deliver_custom_message(const Notification& row, const config::Channel& channel,
                                          time_point now) {
    SendGate* gate = options_.window_gate;
    if (gate != nullptr) {
        auto verdict = gate->reserve(row, now);
        if (!verdict.ok()) {
            spdlog::warn("outbox: notification {}: reply window unknown: {}", row.id,
                         verdict.error().message);
            auto saved = outbox_.reschedule(
                row.id, std::chrono::ceil<std::chrono::seconds>(now + kGateRetry), row.attempts, 0,
                "");
            if (!saved.ok()) spdlog::warn("outbox: rescheduling {} failed", row.id);
            return;
        }
        if (verdict->check != SendCheck::Allowed) {
            refuse(row, channel, row.attempts, state_of(verdict->check), 0, verdict->why, now);
            return;
        }
    }
    const wecom::OutboundMessage message{row.markdown, row.text, row.mentions};
    const Status sent = api_.send_custom_message(channel, row.target, message);
    const int attempts = row.attempts + 1;
    if (gate != nullptr) gate->settle(row, now, sent);
    if (sent.ok()) {
        record_sent(row, attempts, now);
        return;
    }
    const Error& error = sent.error();
    // The platform's own verdict (its clock may differ from ours) ends the row the same way.
    if (error.detail == kErrcodeWindowClosed || error.detail == kErrcodeQuotaExhausted) {
        const DeliveryState state = error.detail == kErrcodeWindowClosed
                                        ? DeliveryState::WindowClosed
                                        : DeliveryState::QuotaExhausted;
        refuse(row, channel, attempts, state, error.detail, error.message, now);
        return;
    }
    record_failure(row, attempts, error, now);
}

void OutboxWorker::refuse(const Notification& row, const config::Channel& channel, int attempts,
                          DeliveryState state, int errcode, const std::string& why,
                          time_point now) {
    std::string reason = why;
    const auto& fallback = channel.template_fallback;
    if (row.kind == NotificationKind::Ticket && row.ticket != 0 && !fallback.template_id.empty() &&
        options_.tickets != nullptr) {
        auto ticket = options_.tickets->find(row.ticket);
        if (!ticket.ok()) {
            retry_or_fail(row, attempts, ticket.error(), now);
            return;
        }
        const Ticket* about = ticket->has_value() ? &**ticket : nullptr;
        const Status sent = api_.send_template_message(channel, row.target,
                                                       template_message_for(fallback, row, about));
        if (sent.ok()) {
            counted(Route::TemplateMessage, DeliveryOutcome::Sent);
            spdlog::info("outbox: notification {} ticket {}: {}; sent as template message", row.id,
                         row.ticket, why);
            auto saved =
                outbox_.mark_sent_instead(row.id, now, attempts + 1, Route::TemplateMessage,
                                          errcode, why + "; sent as template message instead");
            if (!saved.ok()) {
                spdlog::error("outbox: notification {} was sent but not marked: {}", row.id,
                              saved.error().message);
            }
            return;
        }
        if (sent.error().code == ErrorCode::Unavailable) {
            counted(Route::TemplateMessage, DeliveryOutcome::Retry);
            retry_or_fail(row, attempts + 1, sent.error(), now);
            return;
        }
        counted(Route::TemplateMessage, DeliveryOutcome::Failed);
        reason += "; the template message was refused too: " + sent.error().message;
    }
    counted(row.route, DeliveryOutcome::Refused);
    spdlog::warn("outbox: notification {} ticket {} to {}/{} not sent ({}): {}", row.id, row.ticket,
                 row.channel, row.target, to_string(state), reason);
    std::vector<Notification> alerts;
    if (options_.window_gate != nullptr) {
        alerts = options_.window_gate->refusal_alerts(row, state, reason, now);
    }
    const bool alerted = !alerts.empty();
    auto saved =
        outbox_.finish_with(row.id, state, attempts, errcode, reason, std::move(alerts), now);
    if (!saved.ok()) {
        spdlog::warn("outbox: finishing {} failed: {}", row.id, saved.error().message);
        return;
    }
    if (alerted) poke();
}

}  // namespace groupdesk::tickets
