// The ConversationStore contract (tickets/conversation_store.h), run against every backend
// (memory, SQLite).
// Readings of the contract stated here, where its comments leave room:
// - An edit that throws fails the whole update() (Internal): no edit and no notification of it
//   is kept.
// - due() orders rows with the same next_alert_at by channel, then user.
// - list() clamps its limit to 1..kMaxPageSize, like the other lists.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/storage/conversation_test_support.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace groupdesk::storage::sqlite {
namespace {

using namespace conversation_test;

class ConversationStoreContract : public ::testing::TestWithParam<BackendParam> {
protected:
    void SetUp() override {
        backend_ = GetParam().make();
        ASSERT_TRUE(backend_.conversations && backend_.outbox);
    }
    ConversationStore& store() { return *backend_.conversations; }
    OutboxStore& outbox() { return *backend_.outbox; }

    Status update(std::vector<ConversationUpdate> updates,
                  std::vector<Notification> notifications = {}, tickets::time_point when = kT) {
        return tickets::update_and_wait(store(), std::move(updates), std::move(notifications),
                                        when);
    }
    void put_all(const std::vector<TrackedConversation>& rows) {
        std::vector<ConversationUpdate> updates;
        for (const auto& row : rows) updates.push_back(put(row));
        ASSERT_TRUE(update(std::move(updates)).ok());
    }
    std::optional<TrackedConversation> find_ok(const ConversationKey& key) {
        auto row = store().find(key);
        EXPECT_TRUE(row.ok()) << (row.ok() ? "" : row.error().message);
        return row.ok() ? *row : std::nullopt;
    }
    std::vector<TrackedConversation> list_ok(const ConversationQuery& query) {
        auto rows = store().list(query);
        EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
        return rows.ok() ? *rows : std::vector<TrackedConversation>{};
    }
    std::vector<TrackedConversation> due_ok(tickets::time_point now, std::size_t limit = 50) {
        auto rows = store().due(now, limit);
        EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
        return rows.ok() ? *rows : std::vector<TrackedConversation>{};
    }
    std::size_t count_ok() {
        auto n = store().count();
        EXPECT_TRUE(n.ok());
        return n.ok() ? *n : 0;
    }
    std::vector<Notification> outbox_rows() {
        auto rows = outbox().list({.limit = tickets::kMaxPageSize});
        EXPECT_TRUE(rows.ok());
        return rows.ok() ? *rows : std::vector<Notification>{};
    }

    Backend backend_;
};

TEST_P(ConversationStoreContract, UpdateInsertsUpdatesAndDeletes) {
    EXPECT_EQ(count_ok(), 0u);
    TrackedConversation row = make_conversation("openid-1", kT + 48h);
    ASSERT_TRUE(update({put(row)}).ok());
    auto stored = find_ok(row.key);
    ASSERT_TRUE(stored);
    expect_same(*stored, row);
    EXPECT_EQ(count_ok(), 1u);

    row.quota_left = 4;
    row.last_answer_at = kT + 1h;
    ASSERT_TRUE(update({put(row)}).ok());
    stored = find_ok(row.key);
    ASSERT_TRUE(stored);
    expect_same(*stored, row);
    EXPECT_EQ(count_ok(), 1u);

    ASSERT_TRUE(update({erase(row.key)}).ok());
    EXPECT_EQ(find_ok(row.key), std::nullopt);
    EXPECT_EQ(count_ok(), 0u);
    // Deleting what is not there is no error.
    ASSERT_TRUE(update({erase(row.key)}).ok());
}

TEST_P(ConversationStoreContract, AnEditReturningFalseWritesNothing) {
    const TrackedConversation row = make_conversation("openid-1", kT + 48h);
    ASSERT_TRUE(update({put(row)}).ok());
    bool saw_row = false;
    ConversationUpdate change_but_keep{row.key, [&](std::optional<TrackedConversation>& stored) {
                                           saw_row = stored.has_value();
                                           if (stored) stored->quota_left = 0;
                                           return false;
                                       }};
    ConversationUpdate drop_but_keep{row.key, [](std::optional<TrackedConversation>& stored) {
                                         stored.reset();
                                         return false;
                                     }};
    ConversationUpdate create_but_keep{{"mp", "openid-2"},
                                       [&](std::optional<TrackedConversation>& stored) {
                                           stored = make_conversation("openid-2", kT + 48h);
                                           return false;
                                       }};
    ASSERT_TRUE(
        update({std::move(change_but_keep), std::move(drop_but_keep), std::move(create_but_keep)})
            .ok());
    EXPECT_TRUE(saw_row);
    auto stored = find_ok(row.key);
    ASSERT_TRUE(stored);
    expect_same(*stored, row);
    EXPECT_EQ(find_ok({"mp", "openid-2"}), std::nullopt);
    EXPECT_EQ(count_ok(), 1u);
}

TEST_P(ConversationStoreContract, AnEditSeesTheEarlierEditsOfTheSameCall) {
    const ConversationKey key{"mp", "openid-1"};
    auto spend_one = [&] {
        return ConversationUpdate{key, [](std::optional<TrackedConversation>& stored) {
                                      if (!stored) return false;
                                      --stored->quota_left;
                                      return true;
                                  }};
    };
    ASSERT_TRUE(update({spend_one(), put(make_conversation("openid-1", kT + 48h)), spend_one(),
                        spend_one()})
                    .ok());
    auto stored = find_ok(key);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->quota_left, 3);  // the first found nothing; the other two spent one each
}

TEST_P(ConversationStoreContract, UpdateStoresItsNotificationsPendingOnNoTicket) {
    const TrackedConversation row = make_conversation("openid-1", kT + 48h);
    const auto when = kT + 10s + 700ms;
    ASSERT_TRUE(update({put(row)}, {make_alert("openid-1"), make_alert("openid-2")}, when).ok());
    const auto rows = outbox_rows();
    ASSERT_EQ(rows.size(), 2u);
    const Notification& first = rows[1];  // newest first
    EXPECT_EQ(first.ticket, 0);
    EXPECT_EQ(first.kind, NotificationKind::Alert);
    EXPECT_EQ(first.state, tickets::DeliveryState::Pending);
    EXPECT_EQ(first.created_at, kT + 10s);
    EXPECT_EQ(first.next_attempt_at, kT + 10s);
    EXPECT_EQ(first.text, make_alert("openid-1").text);
    EXPECT_EQ(first.mentions, (std::vector<std::string>{"lisi"}));
    EXPECT_EQ(first.order_key, "/alerts");
    EXPECT_LT(rows[1].id, rows[0].id);
    auto due = outbox().due(kT + 10s, 10);
    ASSERT_TRUE(due.ok());
    EXPECT_EQ(due->size(), 1u);  // one order key: its head

    // Notifications alone, with no edit, are stored too.
    ASSERT_TRUE(update({}, {make_alert("openid-3")}).ok());
    EXPECT_EQ(outbox_rows().size(), 3u);
}

TEST_P(ConversationStoreContract, AFailingEditKeepsNothingOfTheCall) {
    put_all({make_conversation("openid-1", kT + 48h)});
    TrackedConversation changed = make_conversation("openid-1", kT + 50h);
    ConversationUpdate throws{{"mp", "openid-3"}, [](std::optional<TrackedConversation>&) -> bool {
                                  throw std::runtime_error("edit failed");
                              }};
    const Status status =
        update({put(changed), put(make_conversation("openid-2", kT + 48h)), std::move(throws)},
               {make_alert("openid-1")});
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::Internal);

    auto stored = find_ok({"mp", "openid-1"});
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->deadline, kT + 48h);
    EXPECT_EQ(find_ok({"mp", "openid-2"}), std::nullopt);
    EXPECT_EQ(count_ok(), 1u);
    EXPECT_TRUE(outbox_rows().empty());

    // The store goes on working.
    ASSERT_TRUE(update({put(changed)}, {make_alert("openid-1")}).ok());
    EXPECT_EQ(find_ok({"mp", "openid-1"})->deadline, kT + 50h);
    EXPECT_EQ(outbox_rows().size(), 1u);
}

TEST_P(ConversationStoreContract, EveryFieldRoundTripsToTheSecond) {
    TrackedConversation bare;
    bare.key = {"mp", "openid-bare"};
    bare.opened_by = WindowAction::Unfollow;
    bare.window_opened_at = kT;
    bare.last_action_at = kT;
    bare.deadline = kT;
    ASSERT_TRUE(update({put(bare)}).ok());
    auto stored = find_ok(bare.key);
    ASSERT_TRUE(stored);
    expect_same(*stored, bare);
    EXPECT_FALSE(stored->last_message_at);
    EXPECT_FALSE(stored->last_answer_at);
    EXPECT_FALSE(stored->next_alert_at);

    const auto ms = 999ms;
    for (WindowAction action : {WindowAction::Message, WindowAction::MenuClick,
                                WindowAction::Follow, WindowAction::Scan}) {
        TrackedConversation full;
        full.key = {"客服",
                    "o6_bmjrPTlm6_2sgVt7hMZOPfL2M" + std::to_string(static_cast<int>(action))};
        full.opened_by = action;
        full.window_opened_at = kT + 1s + ms;
        full.last_action_at = kT + 2s + ms;
        full.deadline = kT + 48h + ms;
        full.quota_left = 3;
        full.last_message_at = kT + 3s + ms;
        full.last_answer_at = kT + 4s + ms;
        full.last_excerpt = "你好，我的订单还没到 'quoted' \"text\"";
        full.alerts_done = 2;
        full.nudged = true;
        full.next_alert_at = kT + 46h + ms;
        full.last_source_key = "mp/1234567890";
        ASSERT_TRUE(update({put(full)}).ok());
        stored = find_ok(full.key);
        ASSERT_TRUE(stored);
        TrackedConversation expected = full;
        expected.window_opened_at = kT + 1s;
        expected.last_action_at = kT + 2s;
        expected.deadline = kT + 48h;
        expected.last_message_at = kT + 3s;
        expected.last_answer_at = kT + 4s;
        expected.next_alert_at = kT + 46h;
        expect_same(*stored, expected);
    }
    EXPECT_EQ(count_ok(), 5u);
}

TEST_P(ConversationStoreContract, DueTakesTheEarliestAlertsFirst) {
    put_all({make_conversation("a", kT + 48h, kT + 30s), make_conversation("b", kT + 48h, kT + 10s),
             make_conversation("c", kT + 48h, kT + 20s), make_conversation("d", kT + 48h),
             make_conversation("e", kT + 48h, kT + 1h),
             make_conversation("f", kT + 48h, kT + 20s)});
    EXPECT_EQ(users(due_ok(kT + 30s)), (Users{"b", "c", "f", "a"}));
    EXPECT_EQ(users(due_ok(kT + 20s)), (Users{"b", "c", "f"}));
    EXPECT_EQ(users(due_ok(kT + 30s, 2)), (Users{"b", "c"}));
    EXPECT_TRUE(due_ok(kT + 9s).empty());
    EXPECT_TRUE(due_ok(kT + 30s, 0).empty());
    EXPECT_EQ(users(due_ok(kT + 100h)), (Users{"b", "c", "f", "a", "e"}));
}

TEST_P(ConversationStoreContract, NextDueIsTheEarliestAlert) {
    auto next = store().next_due();
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, std::nullopt);
    put_all({make_conversation("d", kT + 48h)});
    next = store().next_due();
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, std::nullopt);  // nothing more in that window
    put_all(
        {make_conversation("a", kT + 48h, kT + 30s), make_conversation("b", kT + 48h, kT + 10s)});
    next = store().next_due();
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(*next, kT + 10s);
    ASSERT_TRUE(update({erase({"mp", "b"})}).ok());
    EXPECT_EQ(*store().next_due(), kT + 30s);
}

TEST_P(ConversationStoreContract, ListOrdersByDeadlineAndFilters) {
    put_all({make_conversation("u3", kT + 3h), make_conversation("u1", kT + 1h),
             make_conversation("u2", kT + 2h, std::nullopt, "kf"), make_conversation("u0", kT + 2h),
             make_conversation("u4", kT - 1h)});
    EXPECT_EQ(users(list_ok({})), (Users{"u4", "u1", "u2", "u0", "u3"}));  // kf before mp
    EXPECT_EQ(users(list_ok({.channel = "mp"})), (Users{"u4", "u1", "u0", "u3"}));
    EXPECT_EQ(users(list_ok({.channel = "kf"})), (Users{"u2"}));
    EXPECT_TRUE(list_ok({.channel = "none"}).empty());
    // Open at kT + 1h: the window closing at exactly that time is closed.
    EXPECT_EQ(users(list_ok({.open_at = kT + 1h})), (Users{"u2", "u0", "u3"}));
    EXPECT_EQ(users(list_ok({.channel = "mp", .open_at = kT})), (Users{"u1", "u0", "u3"}));
    EXPECT_EQ(users(list_ok({.limit = 2})), (Users{"u4", "u1"}));
    EXPECT_EQ(list_ok({.limit = 0}).size(), 1u);
}

TEST_P(ConversationStoreContract, ListPagesWithoutDuplicatesOrGaps) {
    // Equal deadlines across channels and users, so the cursor's tie-breaks matter.
    std::vector<TrackedConversation> rows;
    for (int i = 0; i < 17; ++i) {
        std::string user = "u";
        user += std::to_string(i % 5);
        rows.push_back(make_conversation(std::move(user), kT + std::chrono::hours(i % 3),
                                         std::nullopt, i % 2 == 0 ? "mp" : "kf"));
    }
    put_all(rows);  // some keys twice: the later row wins
    const auto all = list_ok({.limit = tickets::kMaxPageSize});
    for (const auto* query : {static_cast<const char*>(nullptr), "mp"}) {
        std::vector<TrackedConversation> expected;
        for (const auto& c : all) {
            if (query == nullptr || c.key.channel == query) expected.push_back(c);
        }
        for (std::size_t page_size : {1u, 2u, 3u, 7u}) {
            ConversationQuery q;
            if (query != nullptr) q.channel = query;
            q.limit = page_size;
            std::vector<ConversationKey> seen;
            for (int page = 0; page < 50; ++page) {
                auto rows_of_page = list_ok(q);
                if (rows_of_page.empty()) break;
                EXPECT_LE(rows_of_page.size(), page_size);
                for (const auto& c : rows_of_page) seen.push_back(c.key);
                q.after = rows_of_page.back();
            }
            ASSERT_EQ(seen.size(), expected.size()) << page_size;
            for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], expected[i].key);
        }
    }
    EXPECT_EQ(all.size(), count_ok());
    EXPECT_EQ(all.size(), 10u);  // 5 users on each of 2 channels
}

TEST_P(ConversationStoreContract, ConcurrentReadModifyWritesAreNeverLost) {
    const ConversationKey key{"mp", "openid-1"};
    TrackedConversation row = make_conversation("openid-1", kT + 48h);
    row.quota_left = 0;
    put_all({row});
    constexpr int kThreads = 4;
    constexpr int kPerThread = 25;
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    std::atomic<int> failures{0};
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kPerThread; ++i) {
                ConversationUpdate add_one{key, [](std::optional<TrackedConversation>& stored) {
                                               ++stored->quota_left;
                                               return true;
                                           }};
                if (!update({std::move(add_one)}).ok()) ++failures;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(find_ok(key)->quota_left, kThreads * kPerThread);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConversationStoreContract,
                         ::testing::Values(BackendParam{"memory", &memory_backend},
                                           BackendParam{"sqlite", &sqlite_backend}),
                         [](const auto& info) { return info.param.name; });
}  // namespace
}  // namespace groupdesk::storage::sqlite
