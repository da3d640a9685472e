// The ticket use cases: decide a change on a fresh read (who may, which move, which fields), then
// make it durable through the store in one piece.
#include "tickets/ticket_service.h"

#include <future>
#include <memory>
#include <utility>

namespace groupdesk::tickets {
namespace {

constexpr int kPlanAttempts = 3;  // a REST change planned again after a concurrent one won
constexpr std::size_t kMaxNameBytes = 128;  // an assignee or reporter as written

Error refusal(ErrorCode code, std::string reason) {
    Error error = make_error(code, reason);
    error.public_reason = std::move(reason);
    return error;
}

Error not_found(std::int64_t number) {
    return refusal(ErrorCode::NotFound, "ticket #" + std::to_string(number) + " not found");
}

bool visible(const Ticket& ticket, const Actor& actor, const Conversation* where) {
    if (where == nullptr || actor.is_agent()) return true;
    return ticket.channel == where->channel && ticket.group_kind == where->group_kind &&
           ticket.group == where->group;
}

std::string_view trim(std::string_view text) {
    constexpr std::string_view kSpace = " \t\r\n";
    const auto first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

// A person as written: "@张三" and "张三" are the same.
std::string person(std::string_view name) {
    name = trim(name);
    if (name.starts_with("@")) name.remove_prefix(1);
    if (name.starts_with("＠")) name.remove_prefix(std::string_view("＠").size());
    return std::string(trim(name));
}

bool has_control(std::string_view text) {
    for (const unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
}

Status check_person(std::string_view field, std::string_view name) {
    if (name.size() > kMaxNameBytes) return field_error(field, "is too long");
    if (has_control(name)) return field_error(field, "must be one line of text");
    return ok_status();
}

Status check_category(std::string_view category) {
    if (count_chars(category) > kMaxCategoryChars) {
        return field_error("category",
                           "is longer than " + std::to_string(kMaxCategoryChars) + " characters");
    }
    if (has_control(category)) return field_error("category", "must be one line of text");
    return ok_status();
}

Status check_text(std::string_view field, std::string_view text) {
    if (text.size() > kMaxTextBytes) {
        return field_error(field, "is longer than " + std::to_string(kMaxTextBytes) + " bytes");
    }
    return ok_status();
}

// The title as a one-line label: a longer one is cut, and `cut` gets the whole text.
std::string cut_title(std::string_view title, std::string* cut) {
    if (count_chars(title) <= kMaxTitleChars) return std::string(title);
    if (cut != nullptr) *cut = std::string(title);
    return std::string(prefix_chars(title, kMaxTitleChars - 1)) + "…";
}

std::optional<Transition> transition_to(TicketStatus target) {
    switch (target) {
        case TicketStatus::InProgress:
            return Transition::Start;
        case TicketStatus::Resolved:
            return Transition::Resolve;
        case TicketStatus::Closed:
            return Transition::Close;
        case TicketStatus::Open:
            return Transition::Reopen;
    }
    return std::nullopt;
}

TicketEvent event(const Actor& actor, time_point now, EventAction action, std::string field,
                  std::string from, std::string to, std::string note = {}) {
    TicketEvent e;
    e.at = now;
    e.actor = actor.id;
    e.actor_role = actor.role;
    e.action = action;
    e.field = std::move(field);
    e.from = std::move(from);
    e.to = std::move(to);
    e.note = std::move(note);
    return e;
}

// Moves `change` on from the ticket it was decided on: one more revision, touched now, and the
// first response noted when this is the first change by an agent.
void finish_update(TicketChange& change, const Ticket& before, const Actor& actor, time_point now) {
    change.kind = TicketChange::Kind::Update;
    change.expected_revision = before.revision;
    change.ticket.revision = before.revision + 1;
    change.ticket.updated_at = now;
    if (actor.is_agent() && actor.role != ActorRole::System && !before.first_response_at) {
        change.ticket.first_response_at = now;
    }
}

Result<Ticket> wait_for(TicketService& service, TicketChange change) {
    auto promise = std::make_shared<std::promise<Status>>();
    auto future = promise->get_future();
    Ticket after = change.ticket;
    service.apply(std::move(change),
                  [promise](const Status& status) { promise->set_value(status); });
    Status status = future.get();
    if (!status.ok()) return std::move(status).error();
    return after;
}

// Plans and applies, planning again while a concurrent change wins.
template <class Plan>
Result<Ticket> plan_and_apply(TicketService& service, Plan plan) {
    for (int attempt = 1;; ++attempt) {
        Result<TicketChange> change = plan();
        if (!change.ok()) return std::move(change).error();
        Result<Ticket> stored = wait_for(service, std::move(change).value());
        if (stored.ok() || stored.error().code != ErrorCode::Aborted || attempt == kPlanAttempts) {
            return stored;
        }
    }
}

}  // namespace

Result<TicketChange> TicketService::plan_create(NewTicket request, const Actor& actor,
                                                const Conversation& where, time_point now) {
    std::string whole_title;
    const std::string title = cut_title(trim(request.title), &whole_title);
    if (title.empty()) return field_error("title", "a ticket needs a title");
    if (has_control(title)) return field_error("title", "must be one line of text");
    std::string description(trim(request.description));
    if (!whole_title.empty()) {
        description = description.empty() ? whole_title : whole_title + "\n" + description;
    }
    const std::string category(trim(request.category));
    const std::string assignee = person(request.assignee);
    std::string reporter = person(request.reporter);
    if (auto s = check_text("description", description); !s) return std::move(s).error();
    if (auto s = check_category(category); !s) return std::move(s).error();
    if (auto s = check_person("assignee", assignee); !s) return std::move(s).error();
    if (auto s = check_person("reporter", reporter); !s) return std::move(s).error();
    if (where.channel.empty()) return field_error("channel", "is required");
    if (where.group.empty()) return field_error("group", "is required");
    if (!assignee.empty() && !actor.is_agent()) {
        return refusal(ErrorCode::PermissionDenied, "only agents may assign tickets");
    }
    if (!reporter.empty() && reporter != actor.id && !actor.is_agent()) {
        return refusal(ErrorCode::PermissionDenied, "only agents may file tickets for others");
    }
    if (reporter.empty()) reporter = actor.id;

    auto number = store_.reserve_number();
    if (!number.ok()) return std::move(number).error();

    TicketChange change;
    change.kind = TicketChange::Kind::Create;
    Ticket& t = change.ticket;
    t.number = *number;
    t.title = title;
    t.description = std::move(description);
    t.category = category;
    t.priority = request.priority;
    t.status = TicketStatus::Open;
    t.reporter = std::move(reporter);
    t.assignee = assignee;
    t.channel = where.channel;
    t.group_kind = where.group_kind;
    t.group = where.group;
    t.source_message_id = std::move(request.source_message_id);
    t.created_at = now;
    t.updated_at = now;
    t.revision = 1;
    change.events.push_back(
        event(actor, now, EventAction::Create, "status", "", std::string(to_string(t.status))));
    if (!assignee.empty()) {
        change.events.push_back(event(actor, now, EventAction::Assign, "assignee", "", assignee));
    }
    return announced(std::move(change), actor, &where);
}

Result<TicketChange> TicketService::plan_edit(std::int64_t number, const TicketEdit& edit,
                                              const Actor& actor, const Conversation* where,
                                              time_point now) {
    auto found = get(number, actor, where);
    if (!found.ok()) return std::move(found).error();
    const Ticket& before = *found;
    const bool edits_fields = edit.assignee || edit.priority || edit.category || edit.title;
    if (edits_fields && !actor.is_agent()) {
        return refusal(ErrorCode::PermissionDenied, edit.assignee ? "only agents may assign tickets"
                                                                  : "only agents may edit tickets");
    }
    if (edits_fields && before.status == TicketStatus::Closed && actor.role != ActorRole::Admin) {
        return refusal(ErrorCode::PermissionDenied,
                       "ticket #" + std::to_string(number) +
                           " is closed: only an admin may change its record");
    }

    TicketChange change;
    change.ticket = before;
    Ticket& t = change.ticket;
    if (edit.status) {
        const auto transition = transition_to(*edit.status);
        const bool reporter_reopens =
            transition == Transition::Reopen && actor.id == before.reporter;
        if (!actor.is_agent() && !reporter_reopens) {
            return refusal(
                ErrorCode::PermissionDenied,
                transition == Transition::Reopen
                    ? "only agents or the reporter may reopen a ticket"
                    : "only agents may " + std::string(to_string(*transition)) + " tickets");
        }
        auto next = next_status(before.status, *transition);
        if (!next.ok()) return std::move(next).error();
        t.status = *next;
        if (*transition == Transition::Resolve) t.resolved_at = now;
        if (*transition == Transition::Close) t.closed_at = now;
        if (*transition == Transition::Reopen) {
            t.resolved_at.reset();
            t.closed_at.reset();
        }
        change.events.push_back(event(
            actor, now, event_action(*transition), "status", std::string(to_string(before.status)),
            std::string(to_string(t.status)), std::string(trim(edit.note))));
    }
    if (edit.assignee) {
        const std::string assignee = person(*edit.assignee);
        if (auto s = check_person("assignee", assignee); !s) return std::move(s).error();
        if (assignee != before.assignee) {
            t.assignee = assignee;
            change.events.push_back(
                event(actor, now, EventAction::Assign, "assignee", before.assignee, assignee));
        }
    }
    if (edit.priority && *edit.priority != before.priority) {
        t.priority = *edit.priority;
        change.events.push_back(event(actor, now, EventAction::Edit, "priority",
                                      std::string(to_string(before.priority)),
                                      std::string(to_string(t.priority))));
    }
    if (edit.category) {
        const std::string category(trim(*edit.category));
        if (auto s = check_category(category); !s) return std::move(s).error();
        if (category != before.category) {
            t.category = category;
            change.events.push_back(
                event(actor, now, EventAction::Edit, "category", before.category, category));
        }
    }
    if (edit.title) {
        const std::string title(trim(*edit.title));
        if (title.empty()) return field_error("title", "must not be empty");
        if (count_chars(title) > kMaxTitleChars) {
            return field_error("title",
                               "is longer than " + std::to_string(kMaxTitleChars) + " characters");
        }
        if (has_control(title)) return field_error("title", "must be one line of text");
        if (title != before.title) {
            t.title = title;
            change.events.push_back(
                event(actor, now, EventAction::Edit, "title", before.title, title));
        }
    }
    if (change.events.empty()) return change;  // nothing differs: nothing to store
    finish_update(change, before, actor, now);
    return announced(std::move(change), actor, where);
}

Result<TicketChange> TicketService::plan_comment(std::int64_t number, std::string_view text,
                                                 const Actor& actor, const Conversation* where,
                                                 time_point now) {
    const std::string body(trim(text));
    if (body.empty()) return field_error("text", "a comment needs text");
    if (auto s = check_text("text", body); !s) return std::move(s).error();
    auto found = get(number, actor, where);
    if (!found.ok()) return std::move(found).error();
    TicketChange change;
    change.ticket = *found;
    change.events.push_back(event(actor, now, EventAction::Comment, "", "", "", body));
    finish_update(change, *found, actor, now);
    return announced(std::move(change), actor, where);
}

Result<Ticket> TicketService::get(std::int64_t number, const Actor& actor,
                                  const Conversation* where) {
    auto found = store_.find(number);
    if (!found.ok()) return std::move(found).error();
    if (!found->has_value() || !visible(**found, actor, where)) return not_found(number);
    return std::move(**found);
}

Result<std::vector<TicketEvent>> TicketService::history(std::int64_t number, const Actor& actor,
                                                        const Conversation* where) {
    auto found = get(number, actor, where);
    if (!found.ok()) return std::move(found).error();
    return store_.events(number);
}

Result<TicketPage> TicketService::list(TicketQuery query, const Actor& actor,
                                       const Conversation* where) {
    if (where != nullptr && !actor.is_agent()) {
        query.channel = where->channel;
        query.group = where->group;
    }
    if (query.limit == 0) query.limit = 1;
    if (query.limit > kMaxPageSize) query.limit = kMaxPageSize;
    return store_.list(query);
}

Result<std::optional<CommandRecord>> TicketService::find_command(std::string_view source_key) {
    return store_.find_command(source_key);
}

void TicketService::apply(TicketChange change, ApplyDone done) {
    if (change.events.empty()) {  // a plan that changes nothing
        done(ok_status());
        return;
    }
    if (!change.notifications.empty() && listener_) {
        done = [done = std::move(done), listener = listener_](const Status& status) {
            if (status.ok()) listener();
            done(status);
        };
    }
    store_.apply(std::move(change), std::move(done));
}

Result<TicketChange> TicketService::announced(Result<TicketChange> change, const Actor& actor,
                                              const Conversation* where) const {
    if (!change.ok() || announcer_ == nullptr) return change;
    change->notifications = announcer_->announce(*change, actor, where);
    return change;
}

Result<Ticket> TicketService::create(NewTicket request, const Actor& actor,
                                     const Conversation& where, time_point now) {
    // A create never conflicts (a fresh number): no need to plan again.
    auto change = plan_create(std::move(request), actor, where, now);
    if (!change.ok()) return std::move(change).error();
    // `where` is the ticket's conversation, but nobody wrote a command there to be answered:
    // the conversation hears of its new ticket through the outbox.
    change = announced(std::move(change), actor, nullptr);
    return wait_for(*this, std::move(change).value());
}

Result<Ticket> TicketService::edit(std::int64_t number, const TicketEdit& edit, const Actor& actor,
                                   time_point now) {
    return plan_and_apply(*this, [&] { return plan_edit(number, edit, actor, nullptr, now); });
}

Result<Ticket> TicketService::comment(std::int64_t number, std::string_view text,
                                      const Actor& actor, time_point now) {
    return plan_and_apply(*this, [&] { return plan_comment(number, text, actor, nullptr, now); });
}

}  // namespace groupdesk::tickets
