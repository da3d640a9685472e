// The reply window's rules on one record: grants, resets, the alert schedule, collapsing, the
// send check.
#include "tickets/reply_window.h"

#include <gtest/gtest.h>

namespace groupdesk::tickets {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const time_point t0 = time_point{seconds{1'800'000'000}};
const ConversationKey kKey{"mp", "oUSER"};

WindowSchedule three_alerts() { return WindowSchedule{{hours{24}, hours{6}, hours{1}}, {}}; }

TrackedConversation message_at(time_point at, const WindowSchedule& s = three_alerts()) {
    std::optional<TrackedConversation> row;
    EXPECT_TRUE(apply_action(row, kKey, WindowAction::Message, at, "hello", "k0", s));
    return *row;
}

TEST(ReplyWindowTest, AMessageOpensFiveMessagesForFortyEightHours) {
    const auto row = message_at(t0);
    EXPECT_EQ(row.key, kKey);
    EXPECT_EQ(row.deadline, t0 + hours{48});
    EXPECT_EQ(row.quota_left, 5);
    EXPECT_EQ(row.opened_by, WindowAction::Message);
    EXPECT_TRUE(row.waiting());
    EXPECT_EQ(row.last_excerpt, "hello");
    EXPECT_EQ(row.next_alert_at, t0 + hours{24});
}

TEST(ReplyWindowTest, AMenuClickOpensThreeMessagesForOneMinuteAndNoAlerts) {
    std::optional<TrackedConversation> row;
    ASSERT_TRUE(apply_action(row, kKey, WindowAction::MenuClick, t0, "", "k", three_alerts()));
    EXPECT_EQ(row->deadline, t0 + minutes{1});
    EXPECT_EQ(row->quota_left, 3);
    EXPECT_FALSE(row->waiting());  // a click asks nothing
    EXPECT_FALSE(row->next_alert_at.has_value());
    for (auto action : {WindowAction::Follow, WindowAction::Scan}) {
        std::optional<TrackedConversation> other;
        ASSERT_TRUE(apply_action(other, kKey, action, t0, "", "k", three_alerts()));
        EXPECT_EQ(other->deadline, t0 + minutes{1});
        EXPECT_EQ(other->quota_left, 3);
    }
}

TEST(ReplyWindowTest, AMenuClickInsideAnOpenWindowDoesNotShortenIt) {
    std::optional<TrackedConversation> row = message_at(t0);
    row->quota_left = 1;
    ASSERT_TRUE(
        apply_action(row, kKey, WindowAction::MenuClick, t0 + hours{2}, "", "k1", three_alerts()));
    EXPECT_EQ(row->deadline, t0 + hours{48});
    EXPECT_EQ(row->opened_by, WindowAction::Message);
    EXPECT_EQ(row->quota_left, 3);  // the click's grant, more than the one left
    EXPECT_EQ(row->next_alert_at, t0 + hours{24});

    row->quota_left = 4;
    ASSERT_TRUE(
        apply_action(row, kKey, WindowAction::Scan, t0 + hours{3}, "", "k2", three_alerts()));
    EXPECT_EQ(row->quota_left, 4);  // never fewer than the open window still allows
}

TEST(ReplyWindowTest, ANewMessageResetsTheWindowTheQuotaAndTheAlerts) {
    std::optional<TrackedConversation> row = message_at(t0);
    row->quota_left = 0;
    row->alerts_done = 2;
    row->last_answer_at = t0 + hours{1};
    EXPECT_FALSE(row->waiting());
    const time_point t1 = t0 + hours{30};
    ASSERT_TRUE(apply_action(row, kKey, WindowAction::Message, t1, "again", "k1", three_alerts()));
    EXPECT_EQ(row->deadline, t1 + hours{48});
    EXPECT_EQ(row->quota_left, 5);
    EXPECT_EQ(row->alerts_done, 0u);
    EXPECT_TRUE(row->waiting());
    EXPECT_EQ(row->last_excerpt, "again");
    EXPECT_EQ(row->next_alert_at, t1 + hours{24});
}

TEST(ReplyWindowTest, TheSameCallbackTwiceCountsOnce) {
    std::optional<TrackedConversation> row = message_at(t0);
    row->quota_left = 2;
    EXPECT_FALSE(apply_action(row, kKey, WindowAction::Message, t0, "hello", "k0", three_alerts()));
    EXPECT_EQ(row->quota_left, 2);
}

TEST(ReplyWindowTest, AnOlderActionArrivingLateDoesNotResetTheQuota) {
    std::optional<TrackedConversation> row = message_at(t0 + hours{1});
    row->quota_left = 2;  // two sent since
    ASSERT_TRUE(
        apply_action(row, kKey, WindowAction::Message, t0, "earlier", "k-old", three_alerts()));
    EXPECT_EQ(row->quota_left, 2);
    EXPECT_EQ(row->deadline, t0 + hours{49});
    EXPECT_EQ(row->last_excerpt, "hello");  // the latest message stays the latest
    EXPECT_EQ(row->last_message_at, t0 + hours{1});
}

TEST(ReplyWindowTest, UnfollowClosesTheWindowAndItsAlerts) {
    std::optional<TrackedConversation> row = message_at(t0);
    ASSERT_TRUE(
        apply_action(row, kKey, WindowAction::Unfollow, t0 + hours{1}, "", "k1", three_alerts()));
    EXPECT_EQ(row->deadline, t0 + hours{1});
    EXPECT_EQ(row->quota_left, 0);
    EXPECT_FALSE(row->next_alert_at.has_value());
    EXPECT_EQ(check_send(*row, t0 + hours{1}), SendCheck::WindowClosed);
}

TEST(ReplyWindowTest, AlertsComeAtEachLeadTimeInTurn) {
    const auto s = three_alerts();
    TrackedConversation row = message_at(t0, s);
    const time_point expected[] = {t0 + hours{24}, t0 + hours{42}, t0 + hours{47}};
    for (std::size_t stage = 0; stage < 3; ++stage) {
        ASSERT_EQ(row.next_alert_at, expected[stage]);
        EXPECT_FALSE(due_work(row, expected[stage] - seconds{1}, s).alert_stage.has_value());
        const DueWork work = due_work(row, expected[stage], s);
        ASSERT_EQ(work.alert_stage, stage);
        row.alerts_done = work.alerts_done;
        row.next_alert_at = work.next_alert_at;
    }
    EXPECT_FALSE(row.next_alert_at.has_value());
}

TEST(ReplyWindowTest, AlertsAlreadyDueCollapseIntoTheMostUrgent) {
    const auto s = three_alerts();
    // CreateTime 47.5 hours ago: every lead time has passed.
    const TrackedConversation row = message_at(t0, s);
    const DueWork work = due_work(row, t0 + hours{47} + minutes{30}, s);
    EXPECT_EQ(work.alert_stage, 2u);  // the 1-hour alert only
    EXPECT_EQ(work.alerts_done, 3u);
    EXPECT_FALSE(work.next_alert_at.has_value());
}

TEST(ReplyWindowTest, AClosedWindowGetsNoAlert) {
    const auto s = three_alerts();
    const TrackedConversation row = message_at(t0, s);
    const DueWork work = due_work(row, t0 + hours{49}, s);
    EXPECT_FALSE(work.alert_stage.has_value());
    EXPECT_FALSE(work.next_alert_at.has_value());
}

TEST(ReplyWindowTest, TheNudgeIsScheduledOnceBeforeTheDeadline) {
    WindowSchedule s = three_alerts();
    s.nudge_before = hours{2};
    TrackedConversation row = message_at(t0, s);
    DueWork work = due_work(row, t0 + hours{24}, s);
    row.alerts_done = work.alerts_done;
    row.next_alert_at = work.next_alert_at;
    ASSERT_EQ(row.next_alert_at, t0 + hours{42});
    work = due_work(row, t0 + hours{42}, s);
    row.alerts_done = work.alerts_done;
    row.nudged = work.nudged;
    ASSERT_EQ(work.next_alert_at, t0 + hours{46});  // the nudge, before the 1-hour alert
    work = due_work(row, t0 + hours{46}, s);
    EXPECT_TRUE(work.nudge);
    EXPECT_FALSE(work.alert_stage.has_value());
    EXPECT_EQ(work.next_alert_at, t0 + hours{47});
    row.nudged = work.nudged;
    EXPECT_FALSE(due_work(row, t0 + hours{46} + seconds{1}, s).nudge);
}

TEST(ReplyWindowTest, TheSendCheckFollowsTheDeadlineAndTheQuota) {
    TrackedConversation row = message_at(t0);
    EXPECT_EQ(check_send(row, t0 + hours{47}), SendCheck::Allowed);
    EXPECT_EQ(check_send(row, t0 + hours{48}), SendCheck::WindowClosed);
    row.quota_left = 0;
    EXPECT_EQ(check_send(row, t0 + hours{1}), SendCheck::QuotaExhausted);
}

TEST(ReplyWindowTest, AnAnswerEndsTheWait) {
    TrackedConversation row = message_at(t0);
    apply_answer(row, t0 + minutes{5});
    EXPECT_FALSE(row.waiting());
    apply_answer(row, t0 + minutes{1});  // an older answer does not move it back
    EXPECT_EQ(row.last_answer_at, t0 + minutes{5});
}

TEST(ReplyWindowTest, SpansReadAsAgentsSayThem) {
    EXPECT_EQ(span_words(hours{2} + minutes{5}), "2小时5分");
    EXPECT_EQ(span_words(hours{24}), "24小时");
    EXPECT_EQ(span_words(minutes{45}), "45分");
    EXPECT_EQ(span_words(seconds{30}), "30秒");
}

TEST(ReplyWindowTest, ActionWordsRoundTrip) {
    for (auto a : {WindowAction::Message, WindowAction::MenuClick, WindowAction::Follow,
                   WindowAction::Scan, WindowAction::Unfollow}) {
        EXPECT_EQ(parse_window_action(to_string(a)), a);
    }
    EXPECT_FALSE(parse_window_action("payment").has_value());
}

}  // namespace
}  // namespace groupdesk::tickets
