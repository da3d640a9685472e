// Test helpers for the outbox stores: a ticket store and the outbox its changes fill, for memory
// and SQLite alike, and notifications with every field set.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_outbox_store.h"
#include "storage/sqlite/sqlite_ticket_store.h"
#include "tests/storage/ticket_test_support.h"
#include "tests/support/memory_ticket_store.h"
#include "tickets/outbox_store.h"

namespace groupdesk::storage::sqlite::outbox_test {

using namespace ticket_test;
using tickets::DeliveryState;
using tickets::Notification;
using tickets::NotificationQuery;
using tickets::OutboxStore;
using tickets::Route;

// A ticket store and the outbox it writes into.
struct Backend {
    std::unique_ptr<store_test::TempDir> dir;
    std::unique_ptr<Database> db;
    std::shared_ptr<OutboxStore> outbox;
    std::unique_ptr<TicketStore> tickets;  // declared last: closes before the database
};

inline Backend memory_backend() {
    auto outbox = std::make_shared<test::MemoryOutboxStore>();
    auto tickets = std::make_unique<test::MemoryTicketStore>(outbox);
    return Backend{nullptr, nullptr, std::move(outbox), std::move(tickets)};
}

inline Backend sqlite_backend() {
    Backend backend;
    backend.dir = std::make_unique<store_test::TempDir>();
    backend.db = store_test::open_db(backend.dir->file("outbox.db"));
    if (!backend.db) return backend;
    auto tickets = SqliteTicketStore::open(*backend.db);
    auto outbox = SqliteOutboxStore::open(*backend.db);
    EXPECT_TRUE(tickets.ok() && outbox.ok());
    if (!tickets.ok() || !outbox.ok()) return backend;
    backend.tickets = std::move(*tickets);
    backend.outbox = std::move(*outbox);
    return backend;
}

struct BackendParam {
    std::string name;
    Backend (*make)();
};

inline void PrintTo(const BackendParam& param, std::ostream* os) { *os << param.name; }

inline std::string backend_name(const ::testing::TestParamInfo<BackendParam>& info) {
    return info.param.name;
}

// A group-chat notification of conversation `target` (its order key "it-support/<target>").
inline Notification make_notification(std::string target, std::string text = "工单 #1 已创建") {
    Notification n;
    n.route = Route::Webhook;
    n.channel = "it-support";
    n.target = std::move(target);
    n.order_key = n.channel + "/" + n.target;
    n.markdown = true;
    n.text = std::move(text);
    n.mentions = {"zhangsan", "李四"};
    return n;
}

// A new ticket announced to each of `targets` at `when`; the new rows' ids in that order.
inline std::vector<std::int64_t> announce(TicketStore& tickets, OutboxStore& outbox,
                                          const std::vector<std::string>& targets,
                                          tickets::time_point when) {
    Ticket t = make_ticket(reserve(tickets));
    t.updated_at = when;
    TicketChange change = create_change(t);
    for (const auto& target : targets) change.notifications.push_back(make_notification(target));
    EXPECT_TRUE(apply_and_wait(tickets, change).ok());
    NotificationQuery query;
    query.ticket = t.number;
    query.limit = kMaxPageSize;
    auto rows = outbox.list(query);
    EXPECT_TRUE(rows.ok());
    std::vector<std::int64_t> out;
    if (!rows.ok()) return out;
    for (auto it = rows->rbegin(); it != rows->rend(); ++it) out.push_back(it->id);
    return out;
}

inline std::vector<std::int64_t> ids(const std::vector<Notification>& rows) {
    std::vector<std::int64_t> out;
    out.reserve(rows.size());
    for (const auto& n : rows) out.push_back(n.id);
    return out;
}

inline std::vector<Notification> list_ok(OutboxStore& outbox, const NotificationQuery& query) {
    auto rows = outbox.list(query);
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
    return rows.ok() ? *rows : std::vector<Notification>{};
}

inline std::vector<Notification> all_rows(OutboxStore& outbox) {
    NotificationQuery query;
    query.limit = kMaxPageSize;
    return list_ok(outbox, query);
}

inline std::optional<Notification> find_ok(OutboxStore& outbox, std::int64_t id) {
    auto row = outbox.find(id);
    EXPECT_TRUE(row.ok()) << (row.ok() ? "" : row.error().message);
    return row.ok() ? *row : std::nullopt;
}

inline std::vector<Notification> due_ok(OutboxStore& outbox, tickets::time_point now,
                                        std::size_t limit = 50) {
    auto rows = outbox.due(now, limit);
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
    return rows.ok() ? *rows : std::vector<Notification>{};
}

// Field by field, leaving out what the store assigns (id, ticket, state, times, attempts).
inline void expect_same_message(const Notification& a, const Notification& b) {
    EXPECT_EQ(a.route, b.route);
    EXPECT_EQ(a.channel, b.channel);
    EXPECT_EQ(a.target, b.target);
    EXPECT_EQ(a.order_key, b.order_key);
    EXPECT_EQ(a.markdown, b.markdown);
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.mentions, b.mentions);
}

}  // namespace groupdesk::storage::sqlite::outbox_test
