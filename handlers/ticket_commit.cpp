// Ticket changes from the chat: effects keyed by the callback's source key, answers recorded with
// them. A text answer is recorded as its text (as records always were); a card as the dedup
// record's serialized answer, so a retry after a crash answers with the same card.
#include "handlers/ticket_commit.h"

#include <memory>
#include <utility>

#include "handlers/dedup.h"
#include "handlers/ticket_replies.h"

namespace groupdesk::handlers {
namespace {

std::string record_of(const Outcome& answer) {
    if (const auto* text = std::get_if<wecom::TextReply>(&answer.reply())) return text->content;
    return serialize_answer(answer);
}

Outcome answer_of(const std::string& record) {
    // A text reply is people's words, never a serialized answer's JSON object.
    if (auto parsed = parse_answer(record); parsed && parsed->kind() == Outcome::Kind::Reply) {
        return std::move(*parsed);
    }
    return Outcome::reply(wecom::TextReply{record});
}

}  // namespace

tickets::Conversation conversation_of(const wecom::InboundMessage& msg,
                                      const config::Channel& channel) {
    if (in_group(msg)) return {channel.name, tickets::GroupKind::Chat, msg.chat_id};
    return {channel.name, tickets::GroupKind::User, msg.sender};
}

bool is_transient(const Error& error) {
    return error.code == ErrorCode::Unavailable || error.code == ErrorCode::Internal ||
           error.code == ErrorCode::Aborted;
}

std::string refusal_text(tickets::TicketService& service, const Error& error,
                         const Command& command, const tickets::Actor& actor,
                         const tickets::Conversation& where) {
    std::optional<tickets::TicketStatus> current;
    if (error.code == ErrorCode::FailedPrecondition) {
        if (auto ticket = service.get(command.number, actor, &where); ticket.ok()) {
            current = ticket->status;
        }
    }
    return replies::refused(error, command, current ? &*current : nullptr, command.language);
}

Outcome commit_change(tickets::TicketService& service, tickets::TicketChange change, Outcome answer,
                      Context& ctx) {
    if (!ctx.source_key.empty()) {
        change.command =
            tickets::CommandRecord{ctx.source_key, change.ticket.number, record_of(answer)};
    }
    auto shared = std::make_shared<const tickets::TicketChange>(std::move(change));
    ctx.before_answer.emplace_back([service = &service, shared](DurableDone done) {
        service->apply(*shared, std::move(done));
    });
    return answer;
}

std::optional<Outcome> recorded_answer(tickets::TicketService& service, const Context& ctx) {
    if (ctx.source_key.empty()) return std::nullopt;
    auto recorded = service.find_command(ctx.source_key);
    if (!recorded.ok()) return Outcome::retry_later(recorded.error().message);
    if (!recorded->has_value()) return std::nullopt;
    return answer_of((*recorded)->reply);
}

}  // namespace groupdesk::handlers
