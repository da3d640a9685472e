// The TicketStore contract for TicketChange::notifications (tickets/ticket_store.h), run against
// every backend: the rows are stored with the change, Pending, or not at all.
// Readings of the contract stated here, where its comments leave room:
// - A row is created and first due at the change's ticket.updated_at (to the second).
// - What the caller set for id, ticket, state, attempts, sent_at or the last error is replaced:
//   nobody tried a new row yet.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/storage/outbox_test_support.h"

namespace groupdesk::storage::sqlite {
namespace {

using namespace outbox_test;

class TicketNotificationsContract : public ::testing::TestWithParam<BackendParam> {
protected:
    void SetUp() override {
        backend_ = GetParam().make();
        ASSERT_TRUE(backend_.tickets && backend_.outbox);
    }
    TicketStore& tickets() { return *backend_.tickets; }
    OutboxStore& outbox() { return *backend_.outbox; }

    Backend backend_;
};

TEST_P(TicketNotificationsContract, StoredPendingWithTheChange) {
    Ticket t = make_ticket(reserve(tickets()));
    t.updated_at = at(1'700'000'100) + std::chrono::milliseconds(700);
    TicketChange change = create_change(t);
    change.notifications.push_back(make_notification("wrkA"));
    Notification plain = make_notification("zhangsan", "plain text");
    plain.route = Route::AppMessage;
    plain.markdown = false;
    plain.mentions.clear();
    // Set by a careless caller; the store replaces all of it.
    plain.id = 77;
    plain.ticket = 99;
    plain.state = DeliveryState::Sent;
    plain.attempts = 3;
    plain.sent_at = at(1);
    plain.last_errcode = 45009;
    plain.last_error = "old";
    change.notifications.push_back(plain);
    ASSERT_TRUE(apply_and_wait(tickets(), change).ok());

    auto rows = all_rows(outbox());
    ASSERT_EQ(rows.size(), 2u);
    const Notification& second = rows[0];  // newest first
    const Notification& first = rows[1];
    EXPECT_LT(first.id, second.id);
    expect_same_message(first, change.notifications[0]);
    expect_same_message(second, plain);
    for (const Notification& n : rows) {
        EXPECT_EQ(n.ticket, t.number);
        EXPECT_EQ(n.state, DeliveryState::Pending);
        EXPECT_EQ(n.attempts, 0);
        EXPECT_EQ(n.created_at, at(1'700'000'100));
        EXPECT_EQ(n.next_attempt_at, at(1'700'000'100));
        EXPECT_FALSE(n.sent_at);
        EXPECT_EQ(n.last_errcode, 0);
        EXPECT_EQ(n.last_error, "");
    }
    EXPECT_NE(second.id, 77);

    // An update's notifications too.
    Ticket resolved = t;
    resolved.updated_at = at(1'700'000'200);
    TicketChange update = update_change(resolved, make_event(EventAction::Resolve));
    update.notifications.push_back(make_notification("wrkA", "已解决"));
    ASSERT_TRUE(apply_and_wait(tickets(), update).ok());
    rows = all_rows(outbox());
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].text, "已解决");
    EXPECT_EQ(rows[0].created_at, at(1'700'000'200));
}

TEST_P(TicketNotificationsContract, NothingOfARefusedChange) {
    Ticket t = make_ticket(reserve(tickets()));
    ASSERT_TRUE(apply_and_wait(tickets(), create_change(t)).ok());

    TicketChange again = create_change(t);  // the number exists
    again.notifications.push_back(make_notification("wrkA"));
    EXPECT_EQ(apply_and_wait(tickets(), again).error().code, ErrorCode::InvalidArgument);

    TicketChange stale = update_change(t, make_event(EventAction::Comment, "x"));
    stale.expected_revision = 5;
    stale.notifications.push_back(make_notification("wrkA"));
    EXPECT_EQ(apply_and_wait(tickets(), stale).error().code, ErrorCode::Aborted);

    TicketChange missing = update_change(make_ticket(9999), make_event(EventAction::Comment));
    missing.notifications.push_back(make_notification("wrkA"));
    EXPECT_EQ(apply_and_wait(tickets(), missing).error().code, ErrorCode::NotFound);

    TicketChange silent = update_change(t, make_event(EventAction::Comment));
    silent.events.clear();
    silent.notifications.push_back(make_notification("wrkA"));
    EXPECT_EQ(apply_and_wait(tickets(), silent).error().code, ErrorCode::InvalidArgument);

    EXPECT_TRUE(all_rows(outbox()).empty());
    auto backlog = outbox().backlog();
    ASSERT_TRUE(backlog.ok());
    EXPECT_EQ(backlog->pending, 0u);
}

TEST_P(TicketNotificationsContract, ARetriedCommandAnnouncesOnce) {
    Ticket t = make_ticket(reserve(tickets()));
    TicketChange change = create_change(t);
    change.command = CommandRecord{"cb-1", t.number, "已创建 #1"};
    change.notifications.push_back(make_notification("wrkA"));
    ASSERT_TRUE(apply_and_wait(tickets(), change).ok());
    // The platform's retry, decided again on a fresh read: same source key, a new revision.
    TicketChange retried = update_change(t, make_event(EventAction::Comment, "again"));
    retried.command = change.command;
    retried.notifications.push_back(make_notification("wrkA"));
    ASSERT_TRUE(apply_and_wait(tickets(), retried).ok());
    EXPECT_EQ(all_rows(outbox()).size(), 1u);
}

TEST_P(TicketNotificationsContract, ARefusedChangeInABatchLeavesTheOthersRows) {
    Ticket t = make_ticket(reserve(tickets()));
    ASSERT_TRUE(apply_and_wait(tickets(), create_change(t)).ok());
    std::vector<TicketChange> changes;
    for (int i = 0; i < 3; ++i) {
        TicketChange c = create_change(make_ticket(reserve(tickets())));
        c.notifications.push_back(make_notification("wrk" + std::to_string(i)));
        changes.push_back(c);
    }
    TicketChange refused = create_change(t);
    refused.notifications.push_back(make_notification("refused"));
    changes.insert(changes.begin() + 1, refused);
    auto statuses = apply_all(tickets(), changes);
    ASSERT_EQ(statuses.size(), 4u);
    EXPECT_FALSE(statuses[1].ok());
    auto rows = all_rows(outbox());
    ASSERT_EQ(rows.size(), 3u);
    for (const Notification& n : rows) EXPECT_NE(n.target, "refused");
}

INSTANTIATE_TEST_SUITE_P(Backends, TicketNotificationsContract,
                         ::testing::Values(BackendParam{"memory", &memory_backend},
                                           BackendParam{"sqlite", &sqlite_backend}),
                         backend_name);

}  // namespace
}  // namespace groupdesk::storage::sqlite
