// Test helpers for the conversation stores: a conversation store and the outbox its
// notifications go to, for memory and SQLite alike, conversations with every field set, and
// edits that write or delete one.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_conversation_store.h"
#include "storage/sqlite/sqlite_outbox_store.h"
#include "tests/storage/store_test_support.h"
#include "tests/support/memory_conversation_store.h"
#include "tests/support/memory_outbox_store.h"
#include "tickets/conversation_store.h"

namespace groupdesk::storage::sqlite::conversation_test {

using store_test::at;
using tickets::ConversationKey;
using tickets::ConversationQuery;
using tickets::ConversationStore;
using tickets::ConversationUpdate;
using tickets::Notification;
using tickets::NotificationKind;
using tickets::OutboxStore;
using tickets::TrackedConversation;
using tickets::WindowAction;

using namespace std::chrono_literals;

inline const tickets::time_point kT = at(1'700'000'000);

// A conversation store and the outbox its notifications go to.
struct Backend {
    std::unique_ptr<store_test::TempDir> dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<OutboxStore> outbox;
    std::unique_ptr<ConversationStore> conversations;  // declared last: closes first
};

inline Backend memory_backend() {
    Backend backend;
    auto outbox = std::make_unique<test::MemoryOutboxStore>();
    backend.conversations = std::make_unique<test::MemoryConversationStore>(*outbox);
    backend.outbox = std::move(outbox);
    return backend;
}

inline Backend sqlite_backend() {
    Backend backend;
    backend.dir = std::make_unique<store_test::TempDir>();
    backend.db = store_test::open_db(backend.dir->file("conversations.db"));
    if (!backend.db) return backend;
    auto outbox = SqliteOutboxStore::open(*backend.db);
    auto conversations = SqliteConversationStore::open(*backend.db);
    EXPECT_TRUE(outbox.ok() && conversations.ok());
    if (!outbox.ok() || !conversations.ok()) return backend;
    backend.outbox = std::move(*outbox);
    backend.conversations = std::move(*conversations);
    return backend;
}

struct BackendParam {
    std::string name;
    Backend (*make)();
};

inline void PrintTo(const BackendParam& param, std::ostream* os) { *os << param.name; }

// A conversation of `user` on channel "mp" whose window closes at `deadline`; every field set.
inline TrackedConversation make_conversation(std::string user, tickets::time_point deadline,
                                             std::optional<tickets::time_point> next_alert_at = {},
                                             std::string channel = "mp") {
    TrackedConversation c;
    c.key = {std::move(channel), std::move(user)};
    c.opened_by = WindowAction::Message;
    c.window_opened_at = deadline - 48h;
    c.last_action_at = c.window_opened_at;
    c.deadline = deadline;
    c.quota_left = 5;
    c.last_message_at = c.window_opened_at;
    c.last_excerpt = "打印机又坏了";
    c.next_alert_at = next_alert_at;
    c.last_source_key = "mp/msg-1";
    return c;
}

// Writes `row` back as it is.
inline ConversationUpdate put(TrackedConversation row) {
    ConversationKey key = row.key;
    return {std::move(key), [row = std::move(row)](std::optional<TrackedConversation>& stored) {
                stored = row;
                return true;
            }};
}

inline ConversationUpdate erase(ConversationKey key) {
    return {std::move(key), [](std::optional<TrackedConversation>& stored) {
                stored.reset();
                return true;
            }};
}

// An agents' alert about `user`, on no ticket.
inline Notification make_alert(const std::string& user) {
    Notification n;
    n.kind = NotificationKind::Alert;
    n.route = tickets::Route::Webhook;
    n.target = "alerts";
    n.order_key = "/alerts";
    n.markdown = true;
    n.text = "客户 " + user + " 的回复窗口将在 2小时 后关闭";
    n.mentions = {"lisi"};
    return n;
}

inline void expect_same(const TrackedConversation& a, const TrackedConversation& b) {
    EXPECT_EQ(a.key, b.key);
    EXPECT_EQ(a.opened_by, b.opened_by);
    EXPECT_EQ(a.window_opened_at, b.window_opened_at);
    EXPECT_EQ(a.last_action_at, b.last_action_at);
    EXPECT_EQ(a.deadline, b.deadline);
    EXPECT_EQ(a.quota_left, b.quota_left);
    EXPECT_EQ(a.last_message_at, b.last_message_at);
    EXPECT_EQ(a.last_answer_at, b.last_answer_at);
    EXPECT_EQ(a.last_excerpt, b.last_excerpt);
    EXPECT_EQ(a.alerts_done, b.alerts_done);
    EXPECT_EQ(a.nudged, b.nudged);
    EXPECT_EQ(a.next_alert_at, b.next_alert_at);
    EXPECT_EQ(a.last_source_key, b.last_source_key);
}

inline std::vector<std::string> users(const std::vector<TrackedConversation>& rows) {
    std::vector<std::string> out;
    out.reserve(rows.size());
    for (const auto& c : rows) out.push_back(c.key.user);
    return out;
}

using Users = std::vector<std::string>;

}  // namespace groupdesk::storage::sqlite::conversation_test
