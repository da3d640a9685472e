// The reply window end to end below the HTTP layer: alerts at their lead times and only when
// needed, once per window across restarts; sends refused when the window closed or its quota is
// used, by our record or by the platform; the template fallback; the nudge.
#include "tests/tickets/reply_window_fixture.h"

namespace groupdesk::tickets {
namespace {

using namespace window_fixture;
using std::chrono::hours;
using std::chrono::minutes;

using ReplyWindowWorkerTest = ReplyWindowTestBase;

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST_F(ReplyWindowWorkerTest, AMessageGivesAlertsAt24h42hAnd47hToTheAgents) {
    start();
    user_wrote(t0, "发票开错了，怎么改？");
    settle();
    EXPECT_TRUE(calls("webhook").empty());

    clock_.set(t0 + hours{24} - minutes{1});
    settle();
    EXPECT_TRUE(calls("webhook").empty());

    const char* left[] = {"还剩 24小时", "还剩 6小时", "还剩 1小时"};
    const hours at[] = {hours{24}, hours{42}, hours{47}};
    for (std::size_t i = 0; i < 3; ++i) {
        clock_.set(t0 + at[i]);
        ASSERT_TRUE(wait_calls("webhook", i + 1)) << "no alert at t0+" << at[i].count() << "h";
        const Call alert = calls("webhook")[i];
        EXPECT_EQ(alert.target, kAgentsKey);
        EXPECT_TRUE(has(alert.content, left[i])) << alert.content;
        EXPECT_TRUE(has(alert.content, kUser)) << alert.content;
        EXPECT_TRUE(has(alert.content, "公众号 mp")) << alert.content;
        EXPECT_TRUE(has(alert.content, "发票开错了")) << alert.content;
    }
    clock_.set(t0 + hours{49});
    settle();
    EXPECT_EQ(calls("webhook").size(), 3u);
}

TEST_F(ReplyWindowWorkerTest, NoAlertOnceAnAgentAnswered) {
    start();
    user_wrote(t0);
    clock_.set(t0 + hours{2});
    auto queued =
        service_->send_message({"mp", kUser}, "已经在处理，请稍等", "alice", clock_.now());
    ASSERT_TRUE(queued.ok()) << queued.error().message;
    outbox_worker_->poke();
    ASSERT_TRUE(wait_state(queued->id, DeliveryState::Sent));
    EXPECT_FALSE(conversation()->waiting());
    EXPECT_EQ(conversation()->quota_left, 4);
    for (hours h : {hours{24}, hours{42}, hours{47}}) {
        clock_.set(t0 + h);
        settle();
    }
    EXPECT_TRUE(calls("webhook").empty());
}

TEST_F(ReplyWindowWorkerTest, AnOpenTicketKeepsTheAlertsComingAfterAnAnswer) {
    start();
    user_wrote(t0);
    const std::int64_t ticket = open_ticket("bob");
    ASSERT_TRUE(update_and_wait(conversations_,
                                {{{"mp", kUser},
                                  [&](std::optional<TrackedConversation>& c) {
                                      apply_answer(*c, t0 + minutes{1});
                                      return true;
                                  }}},
                                {}, clock_.now()));
    clock_.set(t0 + hours{24});
    ASSERT_TRUE(wait_calls("webhook", 1));
    EXPECT_TRUE(has(calls("webhook")[0].content, "工单 #" + std::to_string(ticket)));
    EXPECT_TRUE(has(calls("webhook")[0].content, "负责人 bob"));
}

TEST_F(ReplyWindowWorkerTest, ARestartSendsNoAlertTwice) {
    start();
    user_wrote(t0);
    clock_.set(t0 + hours{24});
    ASSERT_TRUE(wait_calls("webhook", 1));
    settle();
    stop();
    start();
    settle();
    EXPECT_EQ(calls("webhook").size(), 1u);
    clock_.set(t0 + hours{30});
    settle();
    EXPECT_EQ(calls("webhook").size(), 1u);
    clock_.set(t0 + hours{42});
    ASSERT_TRUE(wait_calls("webhook", 2));
    settle();
    EXPECT_EQ(calls("webhook").size(), 2u);
}

TEST_F(ReplyWindowWorkerTest, AlertsDueWhileDownCollapseIntoTheMostUrgent) {
    user_wrote(t0);
    clock_.set(t0 + hours{47} + minutes{30});
    start();
    ASSERT_TRUE(wait_calls("webhook", 1));
    settle();
    ASSERT_EQ(calls("webhook").size(), 1u);
    EXPECT_TRUE(has(calls("webhook")[0].content, "还剩 30分")) << calls("webhook")[0].content;
}

TEST_F(ReplyWindowWorkerTest, ANewMessageResetsTheWindowAndTheQuota) {
    start();
    user_wrote(t0);
    for (int i = 0; i < 5; ++i) queue_to_user("回复 " + std::to_string(i));
    ASSERT_TRUE(eventually([&] { return calls("custom").size() == 5; }));
    ASSERT_TRUE(eventually([&] { return conversation()->quota_left == 0; }));
    clock_.set(t0 + hours{30});
    user_wrote(clock_.now(), "还有一个问题");
    EXPECT_EQ(conversation()->quota_left, 5);
    EXPECT_EQ(conversation()->deadline, t0 + hours{78});
    clock_.set(t0 + hours{50});  // past the first window, inside the second
    const std::int64_t id = queue_to_user("第二个窗口的回复");
    ASSERT_TRUE(wait_state(id, DeliveryState::Sent));
}

TEST_F(ReplyWindowWorkerTest, AMenuClickInsideTheWindowDoesNotShortenIt) {
    start();
    user_wrote(t0);
    clock_.set(t0 + hours{1});
    user_did(WindowAction::MenuClick, clock_.now());
    EXPECT_EQ(conversation()->deadline, t0 + hours{48});
    clock_.set(t0 + hours{47});
    const std::int64_t id = queue_to_user("还来得及");
    ASSERT_TRUE(wait_state(id, DeliveryState::Sent));
}

TEST_F(ReplyWindowWorkerTest, ASendAfter48HoursIsRefusedAsWindowClosedAndAlerted) {
    start();
    user_wrote(t0);
    const std::int64_t ticket = open_ticket();
    clock_.set(t0 + hours{48} + minutes{1});
    const std::int64_t id = queue_to_user("工单已解决", ticket, NotificationKind::Ticket);
    ASSERT_TRUE(wait_state(id, DeliveryState::WindowClosed));
    EXPECT_TRUE(calls("custom").empty());  // never sent into the closed window
    EXPECT_TRUE(has(row(id).last_error, "closed")) << row(id).last_error;
    ASSERT_TRUE(wait_calls("webhook", 1));
    const std::string alert = calls("webhook").back().content;
    EXPECT_TRUE(has(alert, "消息未发出")) << alert;
    EXPECT_TRUE(has(alert, "工单已解决")) << alert;
    EXPECT_TRUE(has(alert, "工单 #" + std::to_string(ticket))) << alert;

    auto refused = service_->send_message({"mp", kUser}, "在吗", "alice", clock_.now());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().public_reason, "window_closed");
}

TEST_F(ReplyWindowWorkerTest, TheSixthMessageInAWindowIsRefusedAsQuotaExhausted) {
    start();
    user_wrote(t0);
    std::vector<std::int64_t> ids;
    for (int i = 1; i <= 6; ++i) ids.push_back(queue_to_user("第 " + std::to_string(i) + " 条"));
    ASSERT_TRUE(wait_state(ids[5], DeliveryState::QuotaExhausted));
    for (int i = 0; i < 5; ++i) EXPECT_EQ(row(ids[i]).state, DeliveryState::Sent);
    EXPECT_EQ(calls("custom").size(), 5u);
    ASSERT_TRUE(wait_calls("webhook", 1));
    EXPECT_TRUE(has(calls("webhook")[0].content, "已用完")) << calls("webhook")[0].content;
    auto refused = service_->send_message({"mp", kUser}, "再试一次", "alice", clock_.now());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().public_reason, "quota_exhausted");
}

TEST_F(ReplyWindowWorkerTest, ThePlatforms45015And45047EndTheRowTheSameWay) {
    start();
    user_wrote(t0);
    api_.script("too late", {outbox_fixture::refused(45015)});
    const std::int64_t late = queue_to_user("too late");
    ASSERT_TRUE(wait_state(late, DeliveryState::WindowClosed));
    EXPECT_EQ(row(late).last_errcode, 45015);
    EXPECT_EQ(row(late).attempts, 1);
    EXPECT_LE(conversation()->deadline, clock_.now());  // the platform's word wins
    ASSERT_TRUE(wait_calls("webhook", 1));

    clock_.set(t0 + minutes{5});
    user_wrote(clock_.now());
    api_.script("too many", {outbox_fixture::refused(45047)});
    const std::int64_t many = queue_to_user("too many");
    ASSERT_TRUE(wait_state(many, DeliveryState::QuotaExhausted));
    EXPECT_EQ(conversation()->quota_left, 0);
}

TEST_F(ReplyWindowWorkerTest, AnotherRefusalGivesTheReservedMessageBack) {
    start();
    user_wrote(t0);
    api_.script("bad", {outbox_fixture::refused(40003)});
    const std::int64_t id = queue_to_user("bad");
    ASSERT_TRUE(wait_state(id, DeliveryState::Failed));
    EXPECT_EQ(conversation()->quota_left, 5);
}

TEST_F(ReplyWindowWorkerTest, AClosedWindowSendsATicketsNewsAsTheTemplateWhenConfigured) {
    config_.channels[0].template_fallback.template_id = "TPL-TICKET";
    config_.channels[0].template_fallback.fields = {
        {"thing1", "{title}"}, {"character_string2", "{ticket}"}, {"phrase3", "{status}"}};
    start();
    user_wrote(t0);
    const std::int64_t ticket = open_ticket();
    clock_.set(t0 + hours{50});
    const std::int64_t id = queue_to_user("工单状态更新", ticket, NotificationKind::Ticket);
    ASSERT_TRUE(wait_state(id, DeliveryState::Sent));
    const Notification sent = row(id);
    EXPECT_EQ(sent.route, Route::TemplateMessage);
    EXPECT_TRUE(has(sent.last_error, "template")) << sent.last_error;
    EXPECT_TRUE(calls("custom").empty());
    const auto templates = api_.template_calls();
    ASSERT_EQ(templates.size(), 1u);
    EXPECT_EQ(templates[0].openid, kUser);
    EXPECT_EQ(templates[0].template_id, "TPL-TICKET");
    EXPECT_EQ(templates[0].client_msg_id, "groupdesk-" + std::to_string(id));
    const std::vector<std::pair<std::string, std::string>> fields = {
        {"character_string2", "#" + std::to_string(ticket)},
        {"phrase3", "待处理"},
        {"thing1", "打印机坏了"}};
    EXPECT_EQ(templates[0].data, fields);
    EXPECT_TRUE(calls("webhook").empty());  // it reached the user: nothing to alert

    // An agent's own message has no template: it is refused as before.
    const std::int64_t message = queue_to_user("在吗");
    ASSERT_TRUE(wait_state(message, DeliveryState::WindowClosed));
}

TEST_F(ReplyWindowWorkerTest, TheNudgeGoesOnceBeforeTheWindowClosesWhileATicketIsOpen) {
    config_.reply_window.nudge = true;
    config_.reply_window.nudge_before = hours{2};
    start();
    user_wrote(t0);
    open_ticket();
    clock_.set(t0 + hours{46});
    ASSERT_TRUE(wait_calls("custom", 1));
    settle();
    ASSERT_EQ(calls("custom").size(), 1u);
    EXPECT_EQ(calls("custom")[0].target, kUser);
    EXPECT_EQ(calls("custom")[0].content, config_.reply_window.nudge_text);
    EXPECT_EQ(conversation()->quota_left, 4);
    EXPECT_TRUE(conversation()->waiting());  // a nudge is no answer
    clock_.set(t0 + hours{47});
    settle();
    EXPECT_EQ(calls("custom").size(), 1u);
}

TEST_F(ReplyWindowWorkerTest, AlertsGoToTheAssigneeByAppMessageAndTheGroupOtherwise) {
    config_.reply_window.alerts_to.assignee = true;
    config_.reply_window.alerts_to.app_channel = "app";
    start();
    user_wrote(t0);
    open_ticket("bob");
    user_did(WindowAction::Message, t0, "另一个问题", "oCustomer2");
    clock_.set(t0 + hours{24});
    ASSERT_TRUE(wait_calls("app", 1));
    ASSERT_TRUE(wait_calls("webhook", 1));
    EXPECT_EQ(calls("app")[0].target, "bob");
    EXPECT_TRUE(has(calls("app")[0].content, kUser));
    EXPECT_TRUE(has(calls("webhook")[0].content, "oCustomer2"));
    EXPECT_FALSE(has(calls("webhook")[0].content, kUser));
}

}  // namespace
}  // namespace groupdesk::tickets
