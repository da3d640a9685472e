// The template message a ticket notification becomes when the user's reply window has closed
// (config channel template_fallback; wecom-protocol.md §14.2).
#pragma once

#include "config/config.h"
#include "tickets/notification.h"
#include "tickets/ticket.h"
#include "wecom/api_client.h"

namespace groupdesk::tickets {

// Each configured field with its placeholders filled from `ticket` (null: only {ticket} and
// {text} are known; the others become empty) and the notification's text. The client_msg_id is
// the row's id, so the platform sends one row once even when the outbox sends it twice.
wecom::TemplateMessage template_message_for(const config::Channel::TemplateFallback& fallback,
                                            const Notification& row, const Ticket* ticket);

}  // namespace groupdesk::tickets
