// ReplyWindowService: the 48-hour reply window as agents and the outbox see it — conversations
// with their open tickets and risk, an agent's message to a customer, the gate every
// customer-service message passes, and the alerts and nudges the worker sends.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "tickets/conversation_store.h"
#include "tickets/outbox_store.h"
#include "tickets/reply_window.h"
#include "tickets/send_gate.h"
#include "tickets/ticket_store.h"
#include "tickets/window_alerts.h"

namespace groupdesk::tickets {

// A conversation as the API shows it.
struct ConversationView {
    TrackedConversation conversation;
    std::vector<std::int64_t> open_tickets;  // numbers of its open tickets, newest first
    // Still open, and the user waits for an answer or has an open ticket.
    bool at_risk = false;
};

struct ConversationListQuery {
    std::string channel;               // empty: every channel
    bool at_risk = false;              // only conversations at risk (open windows otherwise)
    std::size_t limit = 50;            // 1..kMaxPageSize
    std::optional<std::string> after;  // the cursor of the previous page
};

struct ConversationPage {
    std::vector<ConversationView> conversations;  // the window closing first comes first
    std::optional<std::string> next_after;        // set when more may follow
};

// The alert schedule from the config: no lead times when alerts have nowhere to go.
WindowSchedule schedule_of(const config::ReplyWindow& config);

class ReplyWindowService final : public SendGate {
public:
    // Everything passed in outlives the service.
    ReplyWindowService(ConversationStore& conversations, TicketStore& tickets, OutboxStore& outbox,
                       const config::Config& config);

    bool enabled() const { return config_.reply_window.enabled; }
    const WindowSchedule& schedule() const { return schedule_; }
    // Whether `channel` is one whose conversations are tracked (an enabled Official Account).
    bool tracks(const config::Channel& channel) const;

    // --- the REST API ---
    // InvalidArgument for a bad cursor or limit.
    [[nodiscard]] Result<ConversationPage> list(const ConversationListQuery& query, time_point now);
    [[nodiscard]] Result<std::optional<ConversationView>> find(const ConversationKey& key,
                                                               time_point now);
    // An agent's message to the user, queued in the outbox (route custom_message, kind message).
    // NotFound: no such channel, or no record of the user; FailedPrecondition with public reason
    // "window_closed" or "quota_exhausted" when our record already says it cannot go (nothing is
    // queued); InvalidArgument for empty text. Returns the queued row.
    [[nodiscard]] Result<Notification> send_message(const ConversationKey& key,
                                                    const std::string& text,
                                                    const std::string& actor, time_point now);

    // --- the worker ---
    // Looks at the conversations due at `now` (at most `limit`): sends the alerts and nudges
    // that are due and needed, and moves each one's schedule on, in one transaction. Returns
    // how many conversations it looked at, so the worker knows whether more may be due.
    [[nodiscard]] Result<std::size_t> run_due(time_point now, std::size_t limit);

    // --- SendGate ---
    Result<Verdict> reserve(const Notification& row, time_point now) override;
    void settle(const Notification& row, time_point now, const Status& sent) override;
    std::vector<Notification> refusal_alerts(const Notification& row, DeliveryState state,
                                             const std::string& why, time_point now) override;

private:
    // The user's open tickets in that conversation, newest first.
    Result<std::vector<Ticket>> open_tickets_of(const ConversationKey& key);
    Result<ConversationView> view_of(TrackedConversation row, time_point now);

    ConversationStore& conversations_;
    TicketStore& tickets_;
    OutboxStore& outbox_;
    const config::Config& config_;
    const WindowSchedule schedule_;
    const AlertRouter router_;
};

}  // namespace groupdesk::tickets
