// The OutboxStore methods of the reply window (tickets/outbox_store.h), run against every backend
// (memory, SQLite): rows about no ticket, sends the window refused, template fallbacks, and the
// per-kind and per-conversation lists. Readings of the contract stated here, where its comments
// leave room:
// - finish_with() of an unknown row or with a state finish() refuses stores no follow-up.
// - enqueue() of nothing returns no ids.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/storage/outbox_test_support.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace groupdesk::storage::sqlite {
namespace {

using namespace outbox_test;
using namespace std::chrono_literals;
using tickets::NotificationKind;

const tickets::time_point kT = at(1'700'000'000);
using Ids = std::vector<std::int64_t>;

// The agents' alert that a customer's window closed: on no ticket.
Notification make_alert(std::string user) {
    Notification n;
    n.kind = NotificationKind::Alert;
    n.route = Route::Webhook;
    n.target = "alerts";
    n.order_key = "/alerts";
    n.markdown = true;
    n.text = "客户 " + user + " 的回复窗口已关闭，消息未发出";
    n.mentions = {"lisi"};
    return n;
}

// An agent's message to Official Account user `user`.
Notification make_message(std::string user, std::int64_t ticket = 0) {
    Notification n;
    n.ticket = ticket;
    n.kind = NotificationKind::Message;
    n.route = Route::CustomMessage;
    n.channel = "mp";
    n.target = std::move(user);
    n.order_key = n.channel + "/" + n.target;
    n.text = "您好，您的问题已处理";
    return n;
}

class OutboxWindowContract : public ::testing::TestWithParam<BackendParam> {
protected:
    void SetUp() override {
        backend_ = GetParam().make();
        ASSERT_TRUE(backend_.tickets && backend_.outbox);
    }
    OutboxStore& outbox() { return *backend_.outbox; }
    Ids announce(const std::vector<std::string>& targets) {
        return outbox_test::announce(*backend_.tickets, outbox(), targets, kT);
    }
    std::int64_t ticket_of(std::int64_t id) {
        auto row = find_ok(outbox(), id);
        return row ? row->ticket : 0;
    }

    Backend backend_;
};

TEST_P(OutboxWindowContract, FinishWithStoresTheFollowUpsWithTheFinishedRow) {
    const Ids rows = announce({"a"});
    const std::int64_t ticket = ticket_of(rows[0]);
    Notification about_ticket = make_alert("b");
    about_ticket.ticket = ticket;
    const auto when = kT + 5s + 400ms;
    ASSERT_TRUE(outbox()
                    .finish_with(rows[0], DeliveryState::WindowClosed, 1, 45015,
                                 "response out of time limit", {make_alert("a"), about_ticket},
                                 when)
                    .ok());
    auto finished = find_ok(outbox(), rows[0]);
    ASSERT_TRUE(finished);
    EXPECT_EQ(finished->state, DeliveryState::WindowClosed);
    EXPECT_EQ(finished->attempts, 1);
    EXPECT_EQ(finished->last_errcode, 45015);
    EXPECT_EQ(finished->last_error, "response out of time limit");

    const auto alerts = list_ok(outbox(), {.kind = NotificationKind::Alert});
    ASSERT_EQ(alerts.size(), 2u);
    EXPECT_EQ(alerts[1].ticket, 0);  // oldest last
    EXPECT_EQ(alerts[0].ticket, ticket);
    for (const auto& n : alerts) {
        EXPECT_EQ(n.state, DeliveryState::Pending);
        EXPECT_EQ(n.created_at, kT + 5s);
        EXPECT_EQ(n.attempts, 0);
        EXPECT_GT(n.id, rows[0]);
    }
    expect_same_message(alerts[1], make_alert("a"));
    EXPECT_EQ(alerts[1].kind, NotificationKind::Alert);
    EXPECT_EQ(ids(due_ok(outbox(), kT + 5s)), (Ids{alerts[1].id}));  // one order key
    EXPECT_TRUE(due_ok(outbox(), kT + 4s).empty());
}

TEST_P(OutboxWindowContract, AFinishWithThatFailsStoresNoFollowUp) {
    const Ids rows = announce({"a"});
    EXPECT_EQ(outbox()
                  .finish_with(9999, DeliveryState::WindowClosed, 1, 0, "", {make_alert("a")}, kT)
                  .error()
                  .code,
              ErrorCode::NotFound);
    EXPECT_EQ(outbox()
                  .finish_with(rows[0], DeliveryState::Sent, 1, 0, "", {make_alert("a")}, kT)
                  .error()
                  .code,
              ErrorCode::InvalidArgument);
    EXPECT_TRUE(list_ok(outbox(), {.kind = NotificationKind::Alert}).empty());
    EXPECT_EQ(find_ok(outbox(), rows[0])->state, DeliveryState::Pending);
    EXPECT_EQ(all_rows(outbox()).size(), 1u);
}

TEST_P(OutboxWindowContract, FinishTakesTheWindowStates) {
    const Ids rows = announce({"a", "b"});
    ASSERT_TRUE(outbox().finish(rows[0], DeliveryState::WindowClosed, 0, 0, "window closed").ok());
    ASSERT_TRUE(outbox().finish(rows[1], DeliveryState::QuotaExhausted, 1, 45047, "quota").ok());
    EXPECT_EQ(find_ok(outbox(), rows[0])->state, DeliveryState::WindowClosed);
    EXPECT_EQ(find_ok(outbox(), rows[1])->state, DeliveryState::QuotaExhausted);
    EXPECT_EQ(outbox().finish(rows[0], DeliveryState::Pending, 0, 0, "").error().code,
              ErrorCode::InvalidArgument);
    EXPECT_TRUE(due_ok(outbox(), kT).empty());
    EXPECT_EQ(outbox().backlog()->pending, 0u);
}

TEST_P(OutboxWindowContract, MarkSentInsteadRecordsTheRouteAndWhy) {
    const Ids rows = announce({"a"});
    ASSERT_TRUE(outbox()
                    .mark_sent_instead(rows[0], kT + 3s + 900ms, 2, Route::TemplateMessage, 45015,
                                       "window closed: sent as a template message")
                    .ok());
    auto sent = find_ok(outbox(), rows[0]);
    ASSERT_TRUE(sent);
    EXPECT_EQ(sent->state, DeliveryState::Sent);
    EXPECT_EQ(sent->route, Route::TemplateMessage);
    EXPECT_EQ(sent->sent_at, kT + 3s);
    EXPECT_EQ(sent->attempts, 2);
    EXPECT_EQ(sent->last_errcode, 45015);
    EXPECT_EQ(sent->last_error, "window closed: sent as a template message");
    EXPECT_EQ(sent->kind, NotificationKind::Ticket);
    EXPECT_TRUE(due_ok(outbox(), kT + 1h).empty());
    EXPECT_EQ(outbox().mark_sent_instead(9999, kT, 1, Route::TemplateMessage, 0, "").error().code,
              ErrorCode::NotFound);
}

TEST_P(OutboxWindowContract, EnqueueReturnsTheIdsOfDueRows) {
    const Ids announced = announce({"a"});
    const std::int64_t ticket = ticket_of(announced[0]);
    auto enqueued = outbox().enqueue(
        {make_message("openid-1"), make_message("openid-2", ticket), make_message("openid-1")},
        kT + 7s + 10ms);
    ASSERT_TRUE(enqueued.ok()) << enqueued.error().message;
    ASSERT_EQ(enqueued->size(), 3u);
    const Ids& got = *enqueued;
    EXPECT_GT(got[0], announced[0]);
    EXPECT_LT(got[0], got[1]);
    EXPECT_LT(got[1], got[2]);

    auto first = find_ok(outbox(), got[0]);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->ticket, 0);
    EXPECT_EQ(first->kind, NotificationKind::Message);
    EXPECT_EQ(first->state, DeliveryState::Pending);
    EXPECT_EQ(first->created_at, kT + 7s);
    EXPECT_EQ(first->next_attempt_at, kT + 7s);
    expect_same_message(*first, make_message("openid-1"));
    EXPECT_EQ(ticket_of(got[1]), ticket);

    EXPECT_EQ(ids(due_ok(outbox(), kT + 7s)), (Ids{announced[0], got[0], got[1]}));
    EXPECT_EQ(ids(due_ok(outbox(), kT + 6s)), (Ids{announced[0]}));

    auto none = outbox().enqueue({}, kT);
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());
}

TEST_P(OutboxWindowContract, RetryBringsBackWindowClosedAndQuotaExhaustedRows) {
    const Ids rows = announce({"a", "b"});
    ASSERT_TRUE(outbox().finish(rows[0], DeliveryState::WindowClosed, 1, 45015, "closed").ok());
    ASSERT_TRUE(outbox().finish(rows[1], DeliveryState::QuotaExhausted, 1, 45047, "quota").ok());
    const auto now = kT + 1h;
    ASSERT_TRUE(outbox().retry(rows[0], now).ok());
    ASSERT_TRUE(outbox().retry(rows[1], now).ok());
    auto again = find_ok(outbox(), rows[0]);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->state, DeliveryState::Pending);
    EXPECT_EQ(again->next_attempt_at, now);
    EXPECT_EQ(again->attempts, 1);
    EXPECT_EQ(ids(due_ok(outbox(), now)), (Ids{rows[0], rows[1]}));
    EXPECT_EQ(outbox().retry(rows[0], now).error().code, ErrorCode::FailedPrecondition);
}

TEST_P(OutboxWindowContract, ListFiltersByKindAndConversation) {
    const Ids tickets = announce({"a", "openid-1"});
    auto messages = outbox().enqueue({make_message("openid-1"), make_message("openid-2")}, kT);
    ASSERT_TRUE(messages.ok());
    auto alerts = outbox().enqueue({make_alert("openid-1")}, kT);
    ASSERT_TRUE(alerts.ok());
    const Ids& m = *messages;
    ASSERT_TRUE(outbox().mark_sent(m[0], kT, 1).ok());

    EXPECT_EQ(ids(list_ok(outbox(), {.kind = NotificationKind::Ticket})),
              (Ids{tickets[1], tickets[0]}));
    EXPECT_EQ(ids(list_ok(outbox(), {.kind = NotificationKind::Message})), (Ids{m[1], m[0]}));
    EXPECT_EQ(ids(list_ok(outbox(), {.kind = NotificationKind::Alert})), (Ids{(*alerts)[0]}));
    EXPECT_TRUE(list_ok(outbox(), {.kind = NotificationKind::Nudge}).empty());

    EXPECT_EQ(ids(list_ok(outbox(), {.order_key = "mp/openid-1"})), (Ids{m[0]}));
    EXPECT_EQ(ids(list_ok(outbox(), {.order_key = "it-support/openid-1"})), (Ids{tickets[1]}));
    EXPECT_TRUE(list_ok(outbox(), {.order_key = "mp/nobody"}).empty());
    EXPECT_EQ(ids(list_ok(outbox(),
                          {.state = DeliveryState::Pending, .kind = NotificationKind::Message})),
              (Ids{m[1]}));
    EXPECT_EQ(ids(list_ok(outbox(), {.ticket = 0})), (Ids{(*alerts)[0], m[1], m[0]}));

    // One conversation's rows, a page at a time.
    auto more = outbox().enqueue({make_message("openid-1"), make_message("openid-1")}, kT);
    ASSERT_TRUE(more.ok());
    EXPECT_EQ(ids(list_ok(outbox(), {.order_key = "mp/openid-1", .limit = 2})),
              (Ids{(*more)[1], (*more)[0]}));
    EXPECT_EQ(ids(list_ok(outbox(), {.order_key = "mp/openid-1", .limit = 2, .after = (*more)[0]})),
              (Ids{m[0]}));
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxWindowContract,
                         ::testing::Values(BackendParam{"memory", &memory_backend},
                                           BackendParam{"sqlite", &sqlite_backend}),
                         backend_name);

}  // namespace
}  // namespace groupdesk::storage::sqlite
