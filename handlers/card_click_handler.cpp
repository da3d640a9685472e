// CardClickHandler: from a button's key to a planned status move, the move to an effect made
// durable before the card is updated; a refusal updates the clicker's card only.
#include "handlers/card_click_handler.h"

#include <utility>

#include "handlers/ticket_card.h"
#include "handlers/ticket_commit.h"
#include "handlers/ticket_replies.h"
#include "tickets/words.h"

namespace groupdesk::handlers {
namespace {

std::string_view move_label(CommandKind kind) {
    switch (kind) {
        case CommandKind::Start:
            return "接单";
        case CommandKind::Resolve:
            return "解决";
        case CommandKind::Close:
            return "关闭";
        case CommandKind::Reopen:
            return "重开";
        default:
            return "更新";
    }
}

}  // namespace

Outcome CardClickHandler::handle(const wecom::InboundMessage& msg, Context& ctx) {
    const auto* event = std::get_if<wecom::EventBody>(&msg.body);
    if (event == nullptr || event->event != "template_card_event") return Outcome::pass();
    const auto action = parse_button_key(event->event_key);
    if (!action) return Outcome::pass();  // not one of GroupDesk's ticket buttons
    const auto task = event->fields.find("task_id");
    const std::string task_id = task != event->fields.end() ? task->second : "";

    // A retried click whose move is durable: the same card, nothing moved again.
    if (auto recorded = recorded_answer(service_, ctx)) return std::move(*recorded);

    const tickets::Actor actor{msg.sender, roles_.role_of(ctx.channel.name, msg.sender)};
    const tickets::Conversation where = conversation_of(msg, ctx.channel);
    tickets::TicketEdit edit;
    edit.status = target_status(action->kind);
    auto change = service_.plan_edit(action->ticket, edit, actor, &where, ctx.now);
    if (!change.ok()) {
        if (is_transient(change.error())) return Outcome::retry_later(change.error().message);
        Command command;
        command.kind = action->kind;
        command.number = action->ticket;
        command.language = Language::Zh;
        return refuse(*action, refusal_text(service_, change.error(), command, actor, where), msg,
                      actor, where, task_id);
    }
    if (change->events.empty()) {
        return refuse(*action, replies::unchanged(change->ticket, action->kind, Language::Zh), msg,
                      actor, where, task_id);
    }
    wecom::TemplateCard card = ticket_card(change->ticket, CardMoment::Shown, task_id);
    card.sub_title_text = msg.sender + " 已" + std::string(move_label(action->kind));
    // No userids: the whole group sees the ticket's new state.
    Outcome answer = Outcome::reply(wecom::CardUpdateReply{std::move(card), {}});
    return commit_change(service_, std::move(change).value(), std::move(answer), ctx);
}

Outcome CardClickHandler::refuse(const CardAction& action, const std::string& reason,
                                 const wecom::InboundMessage& msg, const tickets::Actor& actor,
                                 const tickets::Conversation& where, const std::string& task_id) {
    wecom::TemplateCard card;
    if (auto ticket = service_.get(action.ticket, actor, &where); ticket.ok()) {
        card = ticket_card(*ticket, CardMoment::Shown, task_id);
    } else {
        // A ticket the clicker may not see: nothing of it is shown, only the reason.
        card.task_id = task_id;
        card.main_title.title = "工单 " + tickets::ticket_ref(action.ticket);
    }
    card.sub_title_text = reason;
    // Only the clicker's card changes; everyone else's stays as it is.
    return Outcome::reply(wecom::CardUpdateReply{std::move(card), {msg.sender}});
}

}  // namespace groupdesk::handlers
