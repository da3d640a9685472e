// Test helpers for the ticket stores: tickets and changes with every field set, and waiting for a
// change to become durable.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <future>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/storage/store_test_support.h"
#include "tickets/ticket_store.h"

namespace groupdesk::storage::sqlite::ticket_test {

using store_test::at;
using tickets::ActorRole;
using tickets::CommandRecord;
using tickets::EventAction;
using tickets::GroupKind;
using tickets::kMaxPageSize;
using tickets::Priority;
using tickets::Ticket;
using tickets::TicketChange;
using tickets::TicketEvent;
using tickets::TicketPage;
using tickets::TicketQuery;
using tickets::TicketStatus;
using tickets::TicketStore;

inline Ticket make_ticket(std::int64_t number, std::string title = "打印机卡纸 Printer jam") {
    Ticket t;
    t.number = number;
    t.title = std::move(title);
    t.description = "三楼的打印机又卡纸了。\nThe 3rd floor printer jams again.";
    t.category = "硬件";
    t.priority = Priority::High;
    t.status = TicketStatus::Open;
    t.reporter = "zhangsan";
    t.assignee = "";
    t.channel = "it-support";
    t.group_kind = GroupKind::Chat;
    t.group = "wrkSFfCgAAxxx";
    t.source_message_id = "msg-" + std::to_string(number);
    t.created_at = at(1'700'000'000 + number);
    t.updated_at = t.created_at;
    t.revision = 1;
    return t;
}

inline TicketEvent make_event(EventAction action, std::string note = "") {
    TicketEvent e;
    e.at = at(1'700'000'500);
    e.actor = "lisi";
    e.actor_role = action == EventAction::Create ? ActorRole::Customer : ActorRole::Agent;
    e.action = action;
    e.note = std::move(note);
    return e;
}

inline TicketChange create_change(Ticket t) {
    TicketChange c;
    c.kind = TicketChange::Kind::Create;
    c.ticket = std::move(t);
    c.events.push_back(make_event(EventAction::Create));
    return c;
}

// `t` as read, changed by the caller: the next revision, decided on t's.
inline TicketChange update_change(Ticket t, TicketEvent event) {
    TicketChange c;
    c.kind = TicketChange::Kind::Update;
    c.expected_revision = t.revision;
    t.revision += 1;
    c.ticket = std::move(t);
    c.events.push_back(std::move(event));
    return c;
}

inline Status apply_and_wait(TicketStore& store, TicketChange change) {
    std::promise<Status> promise;
    auto result = promise.get_future();
    store.apply(std::move(change), [&promise](Status s) { promise.set_value(std::move(s)); });
    return result.get();
}

// All at once, so the SQLite writer groups them into few commits; the statuses in order.
inline std::vector<Status> apply_all(TicketStore& store, std::vector<TicketChange> changes) {
    std::vector<std::promise<Status>> promises(changes.size());
    std::vector<std::future<Status>> futures;
    futures.reserve(promises.size());
    for (auto& p : promises) futures.push_back(p.get_future());
    for (std::size_t i = 0; i < changes.size(); ++i) {
        store.apply(std::move(changes[i]),
                    [&promise = promises[i]](Status s) { promise.set_value(std::move(s)); });
    }
    std::vector<Status> statuses;
    statuses.reserve(futures.size());
    for (auto& f : futures) statuses.push_back(f.get());
    return statuses;
}

inline std::int64_t reserve(TicketStore& store) {
    auto number = store.reserve_number();
    EXPECT_TRUE(number.ok()) << (number.ok() ? "" : number.error().message);
    return number.ok() ? *number : -1;
}

inline std::optional<Ticket> find_ok(TicketStore& store, std::int64_t number) {
    auto found = store.find(number);
    EXPECT_TRUE(found.ok()) << (found.ok() ? "" : found.error().message);
    return found.ok() ? *found : std::nullopt;
}

inline std::vector<TicketEvent> events_ok(TicketStore& store, std::int64_t number) {
    auto events = store.events(number);
    EXPECT_TRUE(events.ok()) << (events.ok() ? "" : events.error().message);
    return events.ok() ? *events : std::vector<TicketEvent>{};
}

inline TicketPage list_ok(TicketStore& store, const TicketQuery& query) {
    auto page = store.list(query);
    EXPECT_TRUE(page.ok()) << (page.ok() ? "" : page.error().message);
    return page.ok() ? *page : TicketPage{};
}

inline std::vector<std::int64_t> numbers(const TicketPage& page) {
    std::vector<std::int64_t> out;
    for (const auto& t : page.tickets) out.push_back(t.number);
    return out;
}

inline void expect_same(const Ticket& a, const Ticket& b) {
    EXPECT_EQ(a.number, b.number);
    EXPECT_EQ(a.title, b.title);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.category, b.category);
    EXPECT_EQ(a.priority, b.priority);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.reporter, b.reporter);
    EXPECT_EQ(a.assignee, b.assignee);
    EXPECT_EQ(a.channel, b.channel);
    EXPECT_EQ(a.group_kind, b.group_kind);
    EXPECT_EQ(a.group, b.group);
    EXPECT_EQ(a.source_message_id, b.source_message_id);
    EXPECT_EQ(a.created_at, b.created_at);
    EXPECT_EQ(a.updated_at, b.updated_at);
    EXPECT_EQ(a.first_response_at, b.first_response_at);
    EXPECT_EQ(a.resolved_at, b.resolved_at);
    EXPECT_EQ(a.closed_at, b.closed_at);
    EXPECT_EQ(a.revision, b.revision);
}

inline void expect_same(const TicketEvent& a, const TicketEvent& b) {
    EXPECT_EQ(a.at, b.at);
    EXPECT_EQ(a.actor, b.actor);
    EXPECT_EQ(a.actor_role, b.actor_role);
    EXPECT_EQ(a.action, b.action);
    EXPECT_EQ(a.field, b.field);
    EXPECT_EQ(a.from, b.from);
    EXPECT_EQ(a.to, b.to);
    EXPECT_EQ(a.note, b.note);
}

}  // namespace groupdesk::storage::sqlite::ticket_test
