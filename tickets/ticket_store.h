// TicketStore: where tickets and their history live. Backends: storage/sqlite/ (and
// tests/support/memory_ticket_store.h); tests/storage/ticket_store_contract_test.cpp states the
// contract every backend passes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "tickets/notification.h"
#include "tickets/ticket.h"

namespace groupdesk::tickets {

// A chat command's change remembers the callback it came from and the reply that confirmed it,
// so a platform retry — also one after a crash that made the change durable but not the dedup
// record — gets the same reply and changes nothing.
struct CommandRecord {
    std::string source_key;  // the callback's dedup key (handlers/dedup.h)
    std::int64_t ticket = 0;
    std::string reply;
};

// Everything one action writes, made durable in one transaction: the ticket as it is after the
// change, its events, and the outbox rows that announce it (transactional outbox).
struct TicketChange {
    enum class Kind { Create, Update };
    Kind kind = Kind::Create;
    // After the change. Create: number from reserve_number(), revision 1. Update: revision
    // expected_revision + 1.
    Ticket ticket;
    // Update only: the revision the change was decided on.
    std::int64_t expected_revision = 0;
    // At least one; `ticket` and `id` are filled in by the store.
    std::vector<TicketEvent> events;
    std::optional<CommandRecord> command;
    // Stored as Pending with the change; `ticket` and `id` are filled in by the store.
    std::vector<Notification> notifications;
};

struct TicketQuery {
    std::vector<TicketStatus> statuses;  // any of these; empty: every status
    std::string channel;                 // each filter below applies when not empty
    std::string group;
    std::string assignee;
    std::string reporter;
    std::string involving;  // reporter or assignee ("mine")
    // Substring of the title, the description or a comment, Chinese included; case-insensitive
    // for ASCII letters.
    std::string text;
    std::size_t limit = 20;             // 1..kMaxPageSize
    std::optional<std::int64_t> after;  // cursor: the number the previous page ended with
    bool with_total = false;            // also count every match (costs a second query)
};
inline constexpr std::size_t kMaxPageSize = 100;

struct TicketPage {
    std::vector<Ticket> tickets;  // newest (highest number) first
    // Set when more match: pass as `after` for the next page.
    std::optional<std::int64_t> next_after;
    std::optional<std::size_t> total;  // with_total only
};

using ApplyDone = std::function<void(Status)>;  // groupdesk::Status, not TicketStatus

// Implementers: reads may run on any thread at once; apply() is called from any thread and
// reports through `done` exactly once, on any thread, when the change is durable (or failed).
// Nothing of a failed change may be visible. Errors from the backend itself (disk, connection)
// are Unavailable, so callers retry.
class TicketStore {
public:
    virtual ~TicketStore() = default;

    // A number no stored ticket has and no other call has returned, higher than every stored
    // one. A number whose change never became durable was never shown to anyone (answers wait
    // for durability), so it may be skipped, or handed out again after a restart.
    [[nodiscard]] virtual Result<std::int64_t> reserve_number() = 0;

    [[nodiscard]] virtual Result<std::optional<Ticket>> find(std::int64_t number) = 0;
    // Oldest first.
    [[nodiscard]] virtual Result<std::vector<TicketEvent>> events(std::int64_t number) = 0;
    [[nodiscard]] virtual Result<TicketPage> list(const TicketQuery& query) = 0;
    [[nodiscard]] virtual Result<std::optional<CommandRecord>> find_command(
        std::string_view source_key) = 0;

    // Makes `change` durable, all of it or nothing:
    // - Create of a number that exists, or a TicketChange without events: InvalidArgument.
    // - Update of a number that does not exist: NotFound; whose stored revision is not
    //   expected_revision: Aborted (decide again on a fresh read).
    // - `command` whose source_key is recorded already: nothing is written and `done` gets ok —
    //   the change happened the first time.
    virtual void apply(TicketChange change, ApplyDone done) = 0;
};

}  // namespace groupdesk::tickets
