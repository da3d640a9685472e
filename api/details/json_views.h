// The REST API's JSON: tickets, events and errors written as JSON, and request bodies read into
// the ticket service's inputs. The JSON library stays in json_views.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "tickets/notification.h"
#include "tickets/ticket.h"
#include "tickets/ticket_service.h"

namespace groupdesk::api::details {

// "2026-12-02T01:10:08Z"
std::string rfc3339(tickets::time_point t);

// A ticket object; with "events" and "notifications" when they are given.
std::string ticket_body(const tickets::Ticket& ticket,
                        const std::vector<tickets::TicketEvent>* events = nullptr,
                        const std::vector<tickets::Notification>* notifications = nullptr);
std::string notification_body(const tickets::Notification& notification);
// {"notification": {...}}: a row just queued (an agent's message to a customer).
std::string queued_notification_body(const tickets::Notification& notification);
// {"notifications": [...], "next_cursor": ... | null}
std::string notifications_body(const std::vector<tickets::Notification>& notifications,
                               const std::optional<std::string>& next_cursor);
std::string event_body(const tickets::TicketEvent& event);
// {"tickets": [...], "next_cursor": ... | null}
std::string list_body(const std::vector<tickets::Ticket>& tickets,
                      const std::optional<std::string>& next_cursor);
// {"error": {"code", "message", "field"?}}; `message` must be fit for the caller to see.
std::string error_body(std::string_view code, std::string_view message, std::string_view field);

struct CreateRequest {
    tickets::NewTicket ticket;
    tickets::Conversation where;
};

// Request bodies: a JSON object with only the known fields, each of its type. A refusal is an
// InvalidArgument naming the field (none when the body as a whole is wrong).
Result<CreateRequest> parse_create(std::string_view body);
Result<tickets::TicketEdit> parse_edit(std::string_view body);
// {"text": "…"}: a comment, or an agent's message to a customer.
Result<std::string> parse_comment(std::string_view body);

}  // namespace groupdesk::api::details
