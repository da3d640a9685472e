// TicketService: the ticket use cases — create, show, list, assign, comment, start, resolve,
// close, reopen, edit — with who may do what, for the chat commands and the REST API alike.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "tickets/actor.h"
#include "tickets/announcer.h"
#include "tickets/state_machine.h"
#include "tickets/ticket.h"
#include "tickets/ticket_store.h"

namespace groupdesk::tickets {

struct NewTicket {
    std::string
        title;  // required; cut to kMaxTitleChars with "…", the whole line kept in description
    std::string description;
    std::string category;
    Priority priority = Priority::Normal;
    std::string assignee;  // agents only; empty: nobody
    std::string reporter;  // agents only (filing for a customer); empty: the actor
    std::string source_message_id;
};

// A REST PATCH or a chat command: each field that is set changes. A status change is the
// transition that leads to it (in_progress: start, resolved: resolve, closed: close, open: reopen).
struct TicketEdit {
    std::optional<TicketStatus> status;
    std::optional<std::string> assignee;  // "" unassigns
    std::optional<Priority> priority;
    std::optional<std::string> category;
    std::optional<std::string> title;
    std::string note;  // kept on the status event (resolve/close/reopen notes)
};

// Who may do what:
// - anyone: create in their own conversation; show, list and comment on its tickets;
// - the reporter: also reopen their own ticket;
// - agents and admins: everything on every ticket, except that the fields of a closed ticket
//   (title, priority, category, assignee) are a final record only an admin corrects.
// Refusals: InvalidArgument (a field, named in Error::public_reason), NotFound, PermissionDenied,
// FailedPrecondition (a transition, naming from and to). Every refusal's public_reason is one
// line meant for the person who asked.
class TicketService {
public:
    // With an `announcer`, every change made outside the ticket's own conversation carries the
    // notifications that announce it there (announcer.h), stored with it.
    explicit TicketService(TicketStore& store, const Announcer* announcer = nullptr)
        : store_(store), announcer_(announcer) {}

    // Called after a change with notifications became durable (the outbox worker wakes up).
    // Set once, before the service is used.
    void on_notifications(std::function<void()> listener) { listener_ = std::move(listener); }

    // --- Decisions: read the store, check, and return the change to make (nothing written). ---
    // The change's `ticket` is the ticket as it will be once applied.
    [[nodiscard]] Result<TicketChange> plan_create(NewTicket request, const Actor& actor,
                                                   const Conversation& where, time_point now);
    // `where` is null over REST: no conversation limits what the actor sees.
    [[nodiscard]] Result<TicketChange> plan_edit(std::int64_t number, const TicketEdit& edit,
                                                 const Actor& actor, const Conversation* where,
                                                 time_point now);
    [[nodiscard]] Result<TicketChange> plan_comment(std::int64_t number, std::string_view text,
                                                    const Actor& actor, const Conversation* where,
                                                    time_point now);

    // --- Reads, limited to what the actor may see. ---
    [[nodiscard]] Result<Ticket> get(std::int64_t number, const Actor& actor,
                                     const Conversation* where);
    [[nodiscard]] Result<std::vector<TicketEvent>> history(std::int64_t number, const Actor& actor,
                                                           const Conversation* where);
    // A customer's query is limited to `where`'s conversation.
    [[nodiscard]] Result<TicketPage> list(TicketQuery query, const Actor& actor,
                                          const Conversation* where);
    // The reply recorded with the change a chat command made (ticket_store.h CommandRecord).
    [[nodiscard]] Result<std::optional<CommandRecord>> find_command(std::string_view source_key);

    // --- Making changes durable. ---
    // Async: `done` once, on any thread (the chat path, which must not hold a worker).
    void apply(TicketChange change, ApplyDone done);
    // Sync for REST: plan, apply and wait, planning again (up to 3 times) when a concurrent
    // change won. Returns the ticket as stored. Every REST change is announced in the ticket's
    // conversation, a new ticket included.
    [[nodiscard]] Result<Ticket> create(NewTicket request, const Actor& actor,
                                        const Conversation& where, time_point now);
    [[nodiscard]] Result<Ticket> edit(std::int64_t number, const TicketEdit& edit,
                                      const Actor& actor, time_point now);
    [[nodiscard]] Result<Ticket> comment(std::int64_t number, std::string_view text,
                                         const Actor& actor, time_point now);

private:
    // Adds the announcing notifications to a planned change.
    Result<TicketChange> announced(Result<TicketChange> change, const Actor& actor,
                                   const Conversation* where) const;

    TicketStore& store_;
    const Announcer* announcer_;
    std::function<void()> listener_;
};

}  // namespace groupdesk::tickets
