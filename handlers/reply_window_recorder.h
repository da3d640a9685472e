// ReplyWindowRecorder: records, durably before the answer, every Official Account user action
// that opens or renews the 48-hour reply window, and whether the answer answered the user
// (tickets/reply_window.h). Always passes.
#pragma once

#include <functional>
#include <optional>

#include "handlers/handler.h"
#include "tickets/conversation_store.h"
#include "tickets/reply_window.h"
#include "tickets/reply_window_service.h"

namespace groupdesk::handlers {

// What a message does to the window: a user message, a menu click (click / scancode types), a
// follow, a QR scan, an unfollow; nullopt for anything else (a link click, a location report).
std::optional<tickets::WindowAction> window_action_of(const wecom::InboundMessage& msg);

// A short text of the message for alerts: its text, a voice message's transcript, or a word for
// what it was ("[图片]").
std::string excerpt_of(const wecom::InboundMessage& msg);

class ReplyWindowRecorder final : public Handler {
public:
    // `scheduled` hears each stored next alert time (the worker may have to wake earlier).
    ReplyWindowRecorder(tickets::ConversationStore& store,
                        const tickets::ReplyWindowService& service,
                        std::function<void(tickets::time_point)> scheduled);

    std::string_view name() const override { return "reply_window"; }
    Outcome handle(const wecom::InboundMessage& msg, Context& ctx) override;
    void on_complete(const wecom::InboundMessage& msg, const Outcome& final, Context& ctx) override;

private:
    tickets::ConversationStore& store_;
    const tickets::ReplyWindowService& service_;
    std::function<void(tickets::time_point)> scheduled_;
};

}  // namespace groupdesk::handlers
