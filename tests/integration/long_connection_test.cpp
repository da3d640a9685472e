// An AI bot on a long connection, through the real server and a fake WeCom WebSocket endpoint:
// subscribe, messages through the pipeline answered on the frame's req_id, ticket cards and their
// clicks, pushes of ticket news with aibot_send_msg, and what a drop, a dead connection, a
// takeover and refused credentials lead to.
#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>

#include "tests/integration/server_fixture.h"
#include "tests/support/fake_aibot_server.h"

namespace groupdesk::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kChat = "wrkLCgroupA";
constexpr const char* kToken = "lc-token-0123456789abcdef0123456789abcdef";

class LongConnectionTest : public ServerTest {
protected:
    explicit LongConnectionTest(FakeAiBotServer::Options options = {})
        : fake_(std::move(options)) {}

    void configure(config::Config& config) override {
        config.agents = {"zhangsan"};
        config.api_tokens = {{"ops-console", kToken, config::ApiToken::Role::Admin}};
        config.platform.aibot_ws_url = fake_.url();
        config.platform.aibot_ping_interval = 200ms;
        config.platform.aibot_ack_timeout = 500ms;
        config.platform.aibot_reconnect_initial = 50ms;
        config.platform.aibot_reconnect_max = 200ms;
        config::Channel ws;
        ws.name = "ws-bot";
        ws.kind = config::ChannelKind::AiBot;
        ws.transport = config::Transport::LongConnection;
        ws.bot_id = bot_id_;
        ws.secret = "test-bot-secret";
        ws.bot_names = {"助手"};
        config.channels.push_back(ws);
    }

    // Sends a message frame and returns the answer frame with the same req_id (null if none).
    json ask(const json& body) {
        const std::string req_id = "req-" + std::to_string(++sequence_);
        EXPECT_TRUE(fake_.send_message(req_id, body));
        return fake_.wait_for_answer("aibot_respond_msg", req_id).value_or(json());
    }
    json mention(const std::string& text, const std::string& user,
                 const std::string& chat = kChat) {
        return ask(aibot_text_body("lc-" + std::to_string(++sequence_), user, chat, text));
    }
    json click(const std::string& msgid, const std::string& key, const std::string& user,
               const std::string& task_id) {
        const std::string req_id = "req-" + std::to_string(++sequence_);
        EXPECT_TRUE(
            fake_.send_event(req_id, aibot_card_click_body(msgid, user, kChat, key, task_id)));
        return fake_.wait_for_answer("aibot_respond_update_msg", req_id).value_or(json());
    }
    // Creates ticket #1 from the group and returns its card's task_id.
    std::string create() {
        const json answer = mention("@助手 工单 VPN 连不上", "wangwu");
        const json& body = answer.at("body");
        EXPECT_EQ(body.value("msgtype", ""), "template_card") << answer;
        return body.at("template_card").at("task_id");
    }
    ClientResponse api(const std::string& method, const std::string& target,
                       const std::string& body = "") {
        return http_request(port_, method, target, body, "application/json",
                            {{"Authorization", std::string("Bearer ") + kToken}});
    }
    json newest_notification(int ticket) {
        auto r = api("GET", "/api/v1/tickets/" + std::to_string(ticket));
        EXPECT_EQ(r.status, 200) << r.body;
        const json n = json::parse(r.body).at("notifications");
        return n.empty() ? json() : n.front();
    }
    bool wait_for_notification(int ticket, const std::string& state) {
        for (int i = 0; i < 500; ++i) {
            const json n = newest_notification(ticket);
            if (!n.is_null() && n.at("state") == state) return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
    bool wait_for_health(int status) {
        for (int i = 0; i < 300; ++i) {
            if (get("/healthz").status == status) return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
    std::string ticket_status(int number) {
        SQLite::Database db(config_.database, SQLite::OPEN_READONLY, 5000);
        SQLite::Statement q(db, "SELECT status FROM tickets WHERE number = ?");
        q.bind(1, number);
        return q.executeStep() ? q.getColumn(0).getString() : "";
    }
    int count(const std::string& table) {
        SQLite::Database db(config_.database, SQLite::OPEN_READONLY, 5000);
        return db.execAndGet("SELECT COUNT(*) FROM " + table).getInt();
    }

    std::string bot_id_ = "test-bot";
    FakeAiBotServer fake_;
    int sequence_ = 0;
};

std::string field(const json& card, const std::string& name) {
    for (const auto& f : card.at("horizontal_content_list")) {
        if (f.at("keyname") == name) return f.at("value");
    }
    return "";
}

TEST_F(LongConnectionTest, SubscribesWithTheBotsIdAndSecret) {
    ASSERT_TRUE(fake_.wait_subscribed());
    const auto subscribe = fake_.received("aibot_subscribe");
    ASSERT_FALSE(subscribe.empty());
    EXPECT_EQ(subscribe.front().at("body").at("bot_id"), "test-bot");
    EXPECT_EQ(subscribe.front().at("body").at("secret"), "test-bot-secret");
    EXPECT_EQ(get("/healthz").status, 200);
    // Pings keep the connection: acked, so no reconnect follows.
    ASSERT_TRUE(fake_.wait_for([](const json& f) { return f.value("cmd", "") == "ping"; }));
    EXPECT_EQ(fake_.connections(), 1);
    EXPECT_EQ(metric("groupdesk_aibot_connection_state{channel=\"ws-bot\",state=\"up\"}"), 1);
}

TEST_F(LongConnectionTest, AGroupMentionCreatesOneTicketAnsweredWithACardOnTheSameReqId) {
    ASSERT_TRUE(fake_.wait_subscribed());
    const json answer = mention("@助手 工单 VPN 连不上", "wangwu");
    ASSERT_FALSE(answer.is_null()) << "no aibot_respond_msg";
    const json& card = answer.at("body").at("template_card");
    EXPECT_EQ(card.at("card_type"), "button_interaction");
    EXPECT_EQ(card.at("main_title").at("title"), "工单 #1 已创建");
    EXPECT_EQ(field(card, "报告人"), "wangwu");
    EXPECT_EQ(count("tickets"), 1);
    EXPECT_EQ(ticket_status(1), "open");
    EXPECT_EQ(count("known_chats"), 1);  // the group may now be pushed into

    // Other messages run through the rest of the pipeline: help answers "帮助".
    const json help = mention("@助手 帮助", "wangwu");
    EXPECT_EQ(help.at("body").value("msgtype", ""), "stream") << help;
    EXPECT_EQ(count("tickets"), 1);
}

TEST_F(LongConnectionTest, TheSameMessageTwiceMakesOneTicket) {
    ASSERT_TRUE(fake_.wait_subscribed());
    const json body = aibot_text_body("lc-same", "wangwu", kChat, "@助手 工单 打印机卡纸");
    ASSERT_TRUE(fake_.send_message("req-a", body));
    const auto first = fake_.wait_for_answer("aibot_respond_msg", "req-a");
    ASSERT_TRUE(first.has_value());
    ASSERT_TRUE(fake_.send_message("req-b", body));
    const auto second = fake_.wait_for_answer("aibot_respond_msg", "req-b");
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(first->at("body"), second->at("body"));  // the recorded answer
    EXPECT_EQ(count("tickets"), 1);
}

TEST_F(LongConnectionTest, EnteringTheChatIsWelcomedWithAWelcomeAnswer) {
    ASSERT_TRUE(fake_.wait_subscribed());
    const json body = {{"msgid", "lc-enter"},  {"aibotid", "test-bot"},
                       {"chattype", "single"}, {"from", {{"userid", "wangwu"}}},
                       {"msgtype", "event"},   {"event", {{"eventtype", "enter_chat"}}}};
    ASSERT_TRUE(fake_.send_event("req-enter", body));
    const auto answer = fake_.wait_for_answer("aibot_respond_welcome_msg", "req-enter");
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->at("body").value("msgtype", ""), "text");
}

TEST_F(LongConnectionTest, ARestStatusChangeIsPushedIntoTheTicketsChat) {
    ASSERT_TRUE(fake_.wait_subscribed());
    create();
    auto resolved =
        api("PATCH", "/api/v1/tickets/1", R"({"status": "resolved", "note": "重启了路由器"})");
    ASSERT_EQ(resolved.status, 200) << resolved.body;
    const auto push =
        fake_.wait_for([](const json& f) { return f.value("cmd", "") == "aibot_send_msg"; });
    ASSERT_TRUE(push.has_value());
    const json& body = push->at("body");
    EXPECT_EQ(body.at("chatid"), kChat);
    EXPECT_EQ(body.at("chat_type"), 2);
    EXPECT_EQ(body.at("msgtype"), "markdown");
    const std::string content = body.at("markdown").at("content");
    EXPECT_NE(content.find("#1"), std::string::npos) << content;
    EXPECT_NE(content.find("<@wangwu>"), std::string::npos) << content;  // the reporter
    ASSERT_TRUE(wait_for_notification(1, "sent"));
    EXPECT_EQ(newest_notification(1).at("route"), "aibot_send_msg");
}

TEST_F(LongConnectionTest, APushTheChatNeverAskedForEndsUndeliverable) {
    ASSERT_TRUE(fake_.wait_subscribed());
    auto created = api("POST", "/api/v1/tickets",
                       R"({"title": "门禁坏了", "channel": "ws-bot", "group": "wrkNeverSeen"})");
    ASSERT_EQ(created.status, 201) << created.body;
    ASSERT_TRUE(wait_for_notification(1, "undeliverable"));
    EXPECT_NE(newest_notification(1).at("last_error").get<std::string>().find("never written"),
              std::string::npos);
    EXPECT_TRUE(fake_.received("aibot_send_msg").empty());
}

TEST_F(LongConnectionTest, ARefusedPushIsRetriedWhenTheErrcodeSaysLater) {
    ASSERT_TRUE(fake_.wait_subscribed());
    create();
    fake_.set_push_errcode(45009, "api freq out of limit");
    ASSERT_EQ(api("POST", "/api/v1/tickets/1/comments", R"({"text": "在查"})").status, 201);
    ASSERT_TRUE(wait_for_notification(1, "pending"));
    ASSERT_TRUE(
        fake_.wait_for([](const json& f) { return f.value("cmd", "") == "aibot_send_msg"; }));
    fake_.set_push_errcode(0);
    clock_.advance(2s);  // past the outbox's first backoff
    ASSERT_TRUE(wait_for_notification(1, "sent"));
    EXPECT_EQ(fake_.received("aibot_send_msg").size(), 2u);
    EXPECT_EQ(newest_notification(1).at("attempts"), 2);
}

TEST_F(LongConnectionTest, AnAgentsClickResolvesTheTicketAndUpdatesTheCardForEveryone) {
    ASSERT_TRUE(fake_.wait_subscribed());
    const std::string task_id = create();
    const json update = click("lc-click-1", "gd-ticket:1:resolve", "zhangsan", task_id);
    ASSERT_FALSE(update.is_null()) << "no aibot_respond_update_msg";
    const json& body = update.at("body");
    EXPECT_EQ(body.at("response_type"), "update_template_card");
    EXPECT_FALSE(body.contains("userids"));
    EXPECT_EQ(field(body.at("template_card"), "状态"), "已解决");
    EXPECT_EQ(ticket_status(1), "resolved");
    const int events = count("ticket_events");

    // The same click delivered again: the same answer, nothing moves.
    const json again = click("lc-click-1", "gd-ticket:1:resolve", "zhangsan", task_id);
    EXPECT_EQ(again.at("body"), body);
    EXPECT_EQ(count("ticket_events"), events);
}

TEST_F(LongConnectionTest, ACustomersClickChangesNothingAndAnswersThemAlone) {
    ASSERT_TRUE(fake_.wait_subscribed());
    const std::string task_id = create();
    const json update = click("lc-click-2", "gd-ticket:1:resolve", "wangwu", task_id);
    ASSERT_FALSE(update.is_null());
    EXPECT_EQ(update.at("body").at("userids"), json::array({"wangwu"}));
    EXPECT_EQ(ticket_status(1), "open");
}

TEST_F(LongConnectionTest, ADroppedConnectionIsOpenedAgainAndSubscribedAgain) {
    ASSERT_TRUE(fake_.wait_subscribed());
    fake_.drop();
    ASSERT_TRUE(fake_.wait_subscribed(2));
    EXPECT_EQ(fake_.connections(), 2);
    // And it works as before.
    EXPECT_FALSE(mention("@助手 工单 投影仪不亮", "wangwu").is_null());
    EXPECT_GE(metric("groupdesk_aibot_reconnects_total{channel=\"ws-bot\"}"), 1);
}

TEST_F(LongConnectionTest, AfterDisconnectedEventItStaysDownAndSaysSo) {
    ASSERT_TRUE(fake_.wait_subscribed());
    ASSERT_TRUE(fake_.send_disconnected_event());
    ASSERT_TRUE(wait_for_health(503));
    const auto health = get("/healthz");
    EXPECT_NE(health.body.find("taken over"), std::string::npos) << health.body;
    // Several reconnect delays later, still one connection: no tug-of-war.
    std::this_thread::sleep_for(600ms);
    EXPECT_EQ(fake_.connections(), 1);
    EXPECT_EQ(fake_.subscriptions(), 1);
    EXPECT_EQ(metric("groupdesk_aibot_connection_state{channel=\"ws-bot\",state=\"taken_over\"}"),
              1);
}

class DeadPingTest : public LongConnectionTest {
protected:
    DeadPingTest()
        : LongConnectionTest(FakeAiBotServer::Options{"test-bot", "test-bot-secret", false}) {}
};

TEST_F(DeadPingTest, UnansweredPingsMeanADeadConnectionThatIsOpenedAgain) {
    ASSERT_TRUE(fake_.wait_subscribed());
    // A ping every 200 ms, each given 500 ms: the connection is given up and opened again.
    ASSERT_TRUE(fake_.wait_subscribed(2, 5s));
    EXPECT_GE(metric("groupdesk_aibot_ack_timeouts_total{channel=\"ws-bot\"}"), 1);
}

class RefusedCredentialsTest : public LongConnectionTest {
protected:
    RefusedCredentialsTest() { bot_id_ = "some-other-bot"; }
};

TEST_F(RefusedCredentialsTest, AWrongSecretStaysDownWithoutRetrying) {
    ASSERT_TRUE(wait_for_health(503));
    EXPECT_NE(get("/healthz").body.find("refused"), std::string::npos);
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(fake_.connections(), 1);
    EXPECT_EQ(fake_.subscriptions(), 0);
}

}  // namespace
}  // namespace groupdesk::test
