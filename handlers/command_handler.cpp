// CommandHandler: from the message to the command's text, the command to a planned change, the
// change to an effect made durable before the reply.
#include "handlers/command_handler.h"

#include <utility>

#include "handlers/addressed.h"
#include "handlers/command_parser.h"
#include "handlers/ticket_card.h"
#include "handlers/ticket_commit.h"
#include "handlers/ticket_replies.h"

namespace groupdesk::handlers {
namespace {

using tickets::TicketStatus;

std::optional<std::string> quoted_text(const wecom::InboundMessage& msg) {
    if (!msg.quote) return std::nullopt;
    if (auto text = message_text(msg.quote->body)) return text;
    if (const auto* voice = std::get_if<wecom::VoiceBody>(&msg.quote->body)) {
        return voice->recognition;
    }
    return std::nullopt;
}

bool changes_tickets(CommandKind kind) {
    return kind != CommandKind::Show && kind != CommandKind::List;
}

constexpr std::size_t kListPage = 10;  // one chat bubble's worth

tickets::TicketQuery list_query(ListScope scope, const tickets::Actor& actor,
                                const tickets::Conversation& where) {
    tickets::TicketQuery query;
    query.limit = kListPage;
    query.with_total = true;
    switch (scope) {
        case ListScope::Open:
            query.statuses = {TicketStatus::Open, TicketStatus::InProgress};
            query.channel = where.channel;
            query.group = where.group;
            break;
        case ListScope::Mine:
            // Agents: theirs in every group; a customer's list stays in this conversation.
            query.statuses = {TicketStatus::Open, TicketStatus::InProgress, TicketStatus::Resolved};
            query.involving = actor.id;
            break;
        case ListScope::All:
            query.channel = where.channel;
            query.group = where.group;
            break;
    }
    return query;
}

Outcome reply(std::string text) { return Outcome::reply(wecom::TextReply{std::move(text)}); }

}  // namespace

Outcome CommandHandler::handle(const wecom::InboundMessage& msg, Context& ctx) {
    // Nothing when it is no text, or not addressed to the assistant at the front.
    const auto command_text = addressed_text(msg, ctx.channel);
    if (!command_text) return Outcome::pass();
    const auto quoted = quoted_text(msg);
    ParsedCommand parsed =
        parse_command(*command_text, quoted ? std::optional<std::string_view>(*quoted)
                                            : std::optional<std::string_view>());
    if (std::holds_alternative<NotACommand>(parsed)) return Outcome::pass();
    if (const auto* error = std::get_if<CommandError>(&parsed)) return reply(error->reason);
    if (const auto* guess = std::get_if<DidYouMean>(&parsed)) {
        return reply(replies::did_you_mean(guess->suggestion, guess->language));
    }
    return execute(std::get<Command>(parsed), msg, ctx);
}

Outcome CommandHandler::execute(const Command& command, const wecom::InboundMessage& msg,
                                Context& ctx) {
    const tickets::Actor actor{msg.sender, roles_.role_of(ctx.channel.name, msg.sender)};
    const tickets::Conversation where = conversation_of(msg, ctx.channel);
    const Language language = command.language;

    if (changes_tickets(command.kind) && !ctx.source_key.empty()) {
        // A retry of a command whose change is durable: the same reply, nothing changed again.
        if (auto recorded = recorded_answer(service_, ctx)) return std::move(*recorded);
    }

    switch (command.kind) {
        case CommandKind::Create: {
            tickets::NewTicket request;
            request.title = command.title;
            request.description = command.description;
            request.category = command.category;
            request.priority = command.priority.value_or(tickets::Priority::Normal);
            request.assignee = command.assignee;
            request.source_message_id = msg.msg_id;
            auto change = service_.plan_create(std::move(request), actor, where, ctx.now);
            if (!change.ok()) return refuse(change.error(), command, actor, where);
            if (shows_ticket_cards(ctx.channel)) {
                const auto number = change->ticket.number;
                Outcome card = Outcome::reply(wecom::TemplateCardReply{ticket_card(
                    change->ticket, CardMoment::Created, card_task_id(number, ctx.source_key))});
                return commit_change(service_, std::move(change).value(), std::move(card), ctx);
            }
            std::string text = replies::created(change->ticket, language);
            return commit(std::move(change).value(), std::move(text), ctx);
        }
        case CommandKind::Show: {
            auto ticket = service_.get(command.number, actor, &where);
            if (!ticket.ok()) return refuse(ticket.error(), command, actor, where);
            if (shows_ticket_cards(ctx.channel)) {
                return Outcome::reply(wecom::TemplateCardReply{ticket_card(
                    *ticket, CardMoment::Shown, card_task_id(ticket->number, ctx.source_key))});
            }
            auto events = service_.history(command.number, actor, &where);
            if (!events.ok()) return refuse(events.error(), command, actor, where);
            return reply(replies::shown(*ticket, *events, language));
        }
        case CommandKind::List: {
            auto page = service_.list(list_query(command.scope, actor, where), actor, &where);
            if (!page.ok()) return refuse(page.error(), command, actor, where);
            return reply(replies::listed(*page, command.scope, language));
        }
        case CommandKind::Comment: {
            auto change =
                service_.plan_comment(command.number, command.note, actor, &where, ctx.now);
            if (!change.ok()) return refuse(change.error(), command, actor, where);
            std::string text = replies::changed(change->ticket, command.kind, language);
            return commit(std::move(change).value(), std::move(text), ctx);
        }
        case CommandKind::Assign:
        case CommandKind::Start:
        case CommandKind::Resolve:
        case CommandKind::Close:
        case CommandKind::Reopen: {
            tickets::TicketEdit edit;
            if (command.kind == CommandKind::Assign) edit.assignee = command.assignee;
            edit.status = target_status(command.kind);
            edit.note = command.note;
            auto change = service_.plan_edit(command.number, edit, actor, &where, ctx.now);
            if (!change.ok()) return refuse(change.error(), command, actor, where);
            if (change->events.empty()) {
                return reply(replies::unchanged(change->ticket, command.kind, language));
            }
            std::string text = replies::changed(change->ticket, command.kind, language);
            return commit(std::move(change).value(), std::move(text), ctx);
        }
    }
    return Outcome::pass();
}

Outcome CommandHandler::commit(tickets::TicketChange change, std::string text, Context& ctx) {
    return commit_change(service_, std::move(change), reply(std::move(text)), ctx);
}

Outcome CommandHandler::refuse(const Error& error, const Command& command,
                               const tickets::Actor& actor, const tickets::Conversation& where) {
    if (is_transient(error)) return Outcome::retry_later(error.message);
    return reply(refusal_text(service_, error, command, actor, where));
}

}  // namespace groupdesk::handlers
