// Ticket news through the real server, the real platform client and a fake platform: announced in
// the ticket's own conversation by the route it has, once, in order, within the rate limits, and
// what became of each announcement visible over REST.
#include <nlohmann/json.hpp>

#include "tests/integration/server_fixture.h"
#include "tests/support/callbacks.h"
#include "tests/support/fake_platform.h"

namespace groupdesk::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kChatA = "wrkSFfCgAAgroupA";  // has a webhook
constexpr const char* kChatB = "wrkSFfCgAAgroupB";  // the agents' group, no webhook
constexpr const char* kChatC = "wrkSFfCgAAgroupC";  // no webhook: reached through response_url
constexpr const char* kWebhookA = "wh-key-groupA";
constexpr const char* kToken = "it-token-0123456789abcdef0123456789abcdef";
constexpr const char* kWebhookPath = "/cgi-bin/webhook/send";
constexpr const char* kAppSendPath = "/cgi-bin/message/send";
constexpr const char* kCustomSendPath = "/cgi-bin/message/custom/send";

class OutboxTest : public ServerTest {
protected:
    void configure(config::Config& config) override {
        config.agents = {"zhangsan"};
        config.api_tokens = {{"ops-console", kToken, config::ApiToken::Role::Admin}};
        config.platform.wecom_api_base = platform_.base_url();
        config.platform.mp_api_base = platform_.base_url();
        config.platform.request_timeout = 2s;
        config.outbox.retry_initial = 1s;
        config.outbox.retry_max = 4s;
        for (auto& c : config.channels) {
            if (c.name == "group-bot") {
                c.bot_names = {"助手"};
                c.group_webhooks = {{kChatA, kWebhookA}};
                c.ticket_cards = false;  // these tests read the text replies
            }
            if (c.name == "corp-app") {
                c.secret = "corp-app-secret";
                c.agent_id = 1000002;
            }
            if (c.name == "service-account") c.secret = "mp-secret";
        }
    }

    // An AI-bot group mention; its response_url points at the fake.
    std::string in_group(const std::string& text, const std::string& user,
                         const std::string& chat) {
        const json message = {
            {"msgid", "ob-" + std::to_string(++sequence_)},
            {"aibotid", "AIBOT_GROUPDESK"},
            {"chatid", chat},
            {"chattype", "group"},
            {"from", {{"userid", user}}},
            {"response_url", platform_.base_url() + "/cgi-bin/aibot/response?response_code=" +
                                 std::to_string(sequence_)},
            {"msgtype", "text"},
            {"text", {{"content", text}}}};
        auto request = encrypted_callback(channel("group-bot"), message.dump(), "1767225601",
                                          std::to_string(sequence_));
        auto response = post(request.target, request.body, request.content_type);
        EXPECT_EQ(response.status, 200);
        if (response.body.empty()) return "";
        return json::parse(open_reply(channel("group-bot"), response.body))
            .at("stream")
            .at("content");
    }
    std::string xml_text(const std::string& channel_name, const std::string& to,
                         const std::string& from, const std::string& text) {
        std::string xml =
            "<xml><ToUserName><![CDATA[" + to + "]]></ToUserName><FromUserName><![CDATA[" + from +
            "]]></FromUserName><CreateTime>1767225601</CreateTime><MsgType><![CDATA["
            "text]]></MsgType><Content><![CDATA[" +
            text + "]]></Content><MsgId>" + std::to_string(7500000000000000000 + ++sequence_) +
            "</MsgId>" + (channel_name == "corp-app" ? "<AgentID>1000002</AgentID>" : "") +
            "</xml>";
        auto request = encrypted_callback(channel(channel_name), xml, "1767225601", "7");
        auto response = post(request.target, request.body);
        EXPECT_EQ(response.status, 200);
        return response.body;
    }
    ClientResponse api(const std::string& method, const std::string& target,
                       const std::string& body = "") {
        return http_request(port_, method, target, body, "application/json",
                            {{"Authorization", std::string("Bearer ") + kToken}});
    }
    json notifications_of(int ticket) {
        auto r = api("GET", "/api/v1/tickets/" + std::to_string(ticket));
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body).at("notifications");
    }
    // Waits until `ticket`'s newest notification is in `state`.
    bool wait_for_state(int ticket, const std::string& state) {
        for (int i = 0; i < 500; ++i) {
            const json n = notifications_of(ticket);
            if (!n.empty() && n.front().at("state") == state) return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
    std::size_t sent_to(const std::string& path) { return platform_.requests(path).size(); }
    bool wait_for_requests(const std::string& path, std::size_t count) {
        return platform_.wait_for(
            [&](const std::vector<RecordedRequest>& all) {
                std::size_t n = 0;
                for (const auto& r : all) n += r.path == path ? 1 : 0;
                return n >= count;
            },
            5s);
    }

    FakePlatform platform_;  // before the server: the config points at it
    int sequence_ = 0;
};

TEST_F(OutboxTest, ARestChangeOfAGroupTicketGoesThroughTheGroupsWebhook) {
    ASSERT_NE(in_group("@助手 工单 打印机无法连接", "wangwu", kChatA).find("#1"),
              std::string::npos);
    auto resolved =
        api("PATCH", "/api/v1/tickets/1", R"({"status": "resolved", "note": "换了硒鼓"})");
    ASSERT_EQ(resolved.status, 200) << resolved.body;
    ASSERT_TRUE(wait_for_requests(kWebhookPath, 1));
    const auto sent = platform_.requests(kWebhookPath).front();
    EXPECT_EQ(sent.param("key"), kWebhookA);
    const json body = json::parse(sent.body);
    EXPECT_EQ(body.at("msgtype"), "markdown");
    const std::string content = body.at("markdown").at("content");
    EXPECT_NE(content.find("工单 #1「打印机无法连接」"), std::string::npos) << content;
    EXPECT_NE(content.find("ops-console 将状态从「待处理」改为「已解决」：换了硒鼓"),
              std::string::npos)
        << content;
    EXPECT_NE(content.find("<@wangwu>"), std::string::npos) << content;
    ASSERT_TRUE(wait_for_state(1, "sent"));
    EXPECT_EQ(notifications_of(1).front().at("attempts"), 1);
    EXPECT_EQ(metric("groupdesk_notifications_total{route=\"webhook\",outcome=\"sent\"}"), 1);
    EXPECT_EQ(metric("groupdesk_platform_requests_total{api=\"webhook\",outcome=\"ok\"}"), 1);
    EXPECT_EQ(metric("groupdesk_platform_request_seconds_count{api=\"webhook\"}"), 1);
}

TEST_F(OutboxTest, ACommandInTheTicketsOwnGroupIsConfirmedByItsReplyOnly) {
    ASSERT_NE(in_group("@助手 工单 VPN 连不上", "wangwu", kChatA).find("#1"), std::string::npos);
    ASSERT_NE(in_group("@助手 解决 #1", "zhangsan", kChatA).find("已解决"), std::string::npos);
    EXPECT_TRUE(notifications_of(1).empty());
    // An agent working from the agents' group: announced where the ticket came from.
    ASSERT_NE(in_group("@助手 重开 #1 又断了", "zhangsan", kChatB).find("待处理"),
              std::string::npos);
    ASSERT_TRUE(wait_for_requests(kWebhookPath, 1));
    const std::string content =
        json::parse(platform_.requests(kWebhookPath).front().body).at("markdown").at("content");
    EXPECT_NE(content.find("zhangsan 将状态从「已解决」改为「待处理」：又断了"), std::string::npos)
        << content;
    EXPECT_EQ(sent_to(kWebhookPath), 1u);
}

TEST_F(OutboxTest, AppAndOfficialAccountTicketsAreAnnouncedToTheirUser) {
    xml_text("corp-app", "ww3f8a2b1c4d5e6f70", "lisi", "工单 显示器闪屏");
    xml_text("service-account", "gh_5a3c7e9b1d2f", "oGd8Kt2VxYq7Lm3Np0Rs5Uw9Zc1E",
             "报修 空调不制冷");
    ASSERT_EQ(api("POST", "/api/v1/tickets/1/comments", R"({"text": "明天上门"})").status, 201);
    ASSERT_EQ(api("POST", "/api/v1/tickets/2/comments", R"({"text": "师傅已出发"})").status, 201);
    ASSERT_TRUE(wait_for_requests(kAppSendPath, 1));
    ASSERT_TRUE(wait_for_requests(kCustomSendPath, 1));
    const json app = json::parse(platform_.requests(kAppSendPath).front().body);
    EXPECT_EQ(app.at("touser"), "lisi");
    EXPECT_EQ(app.at("agentid"), 1000002);
    EXPECT_NE(app.dump().find("明天上门"), std::string::npos);
    const json mp = json::parse(platform_.requests(kCustomSendPath).front().body);
    EXPECT_EQ(mp.at("touser"), "oGd8Kt2VxYq7Lm3Np0Rs5Uw9Zc1E");
    EXPECT_EQ(mp.at("msgtype"), "text");
    EXPECT_EQ(sent_to("/cgi-bin/gettoken"), 1u);
    EXPECT_EQ(sent_to("/cgi-bin/token"), 1u);
}

TEST_F(OutboxTest, AFailingPlatformGetsTheNotificationOnceAfterItRecovers) {
    ASSERT_NE(in_group("@助手 工单 打印机", "wangwu", kChatA).find("#1"), std::string::npos);
    platform_.fail_next(kWebhookPath, Failure::http(500), 2);
    ASSERT_EQ(api("POST", "/api/v1/tickets/1/comments", R"({"text": "在查"})").status, 201);
    ASSERT_TRUE(wait_for_requests(kWebhookPath, 1));
    for (std::size_t attempt = 2; attempt <= 3; ++attempt) {
        clock_.advance(5s);  // past the backoff
        ASSERT_TRUE(wait_for_requests(kWebhookPath, attempt));
    }
    ASSERT_TRUE(wait_for_state(1, "sent"));
    const json n = notifications_of(1).front();
    EXPECT_EQ(n.at("attempts"), 3);
    clock_.advance(30s);
    EXPECT_EQ(sent_to(kWebhookPath), 3u);  // two refused, one taken, none again
}

TEST_F(OutboxTest, APermanentErrcodeEndsFailedWithTheErrcodeVisible) {
    ASSERT_NE(in_group("@助手 工单 打印机", "wangwu", kChatA).find("#1"), std::string::npos);
    platform_.fail_next(kWebhookPath, Failure::err(93000, "invalid webhook url"),
                        FakePlatform::kForever);
    ASSERT_EQ(api("POST", "/api/v1/tickets/1/comments", R"({"text": "在查"})").status, 201);
    ASSERT_TRUE(wait_for_state(1, "failed"));
    const json n = notifications_of(1).front();
    EXPECT_EQ(n.at("last_errcode"), 93000);
    EXPECT_NE(n.at("last_error").get<std::string>().find("invalid webhook url"), std::string::npos);
    EXPECT_EQ(n.at("attempts"), 1);
    // An admin retries it once the key is fixed.
    platform_.clear_failures();
    auto retried = api("POST", "/api/v1/notifications/" + n.at("id").dump() + "/retry");
    ASSERT_EQ(retried.status, 200) << retried.body;
    ASSERT_TRUE(wait_for_state(1, "sent"));
    auto failed = api("GET", "/api/v1/notifications?state=failed");
    EXPECT_TRUE(json::parse(failed.body).at("notifications").empty());
}

TEST_F(OutboxTest, AChatNoRouteReachesEndsUndeliverableWithTheReason) {
    auto created = api("POST", "/api/v1/tickets",
                       R"({"title": "门禁坏了", "channel": "group-bot", "group": "wrkNeverSeen"})");
    ASSERT_EQ(created.status, 201) << created.body;
    ASSERT_TRUE(wait_for_state(1, "undeliverable"));
    EXPECT_NE(notifications_of(1)
                  .front()
                  .at("last_error")
                  .get<std::string>()
                  .find("no webhook configured for chat wrkNeverSeen and no fresh response_url"),
              std::string::npos);
}

TEST_F(OutboxTest, TheLatestResponseUrlOfAChatIsUsedOnce) {
    ASSERT_NE(in_group("@助手 工单 投影仪", "wangwu", kChatC).find("#1"), std::string::npos);
    ASSERT_EQ(api("POST", "/api/v1/tickets/1/comments", R"({"text": "下午处理"})").status, 201);
    ASSERT_TRUE(wait_for_requests("/cgi-bin/aibot/response", 1));
    EXPECT_EQ(platform_.requests("/cgi-bin/aibot/response").front().param("response_code"), "1");
    ASSERT_TRUE(wait_for_state(1, "sent"));
    ASSERT_EQ(api("POST", "/api/v1/tickets/1/comments", R"({"text": "已处理"})").status, 201);
    ASSERT_TRUE(wait_for_state(1, "undeliverable"));
    EXPECT_EQ(sent_to("/cgi-bin/aibot/response"), 1u);
}

TEST_F(OutboxTest, AnExpiredTokenIsRefreshedOnceAndTheSendRetried) {
    xml_text("corp-app", "ww3f8a2b1c4d5e6f70", "lisi", "工单 显示器闪屏");
    ASSERT_EQ(api("POST", "/api/v1/tickets/1/comments", R"({"text": "一"})").status, 201);
    ASSERT_TRUE(wait_for_requests(kAppSendPath, 1));
    ASSERT_TRUE(wait_for_state(1, "sent"));
    platform_.expire_token("tok-1");
    ASSERT_EQ(api("POST", "/api/v1/tickets/1/comments", R"({"text": "二"})").status, 201);
    ASSERT_TRUE(wait_for_requests(kAppSendPath, 3));  // refused with 42001, then sent again
    ASSERT_TRUE(wait_for_state(1, "sent"));
    EXPECT_EQ(sent_to("/cgi-bin/gettoken"), 2u);
    EXPECT_EQ(platform_.requests(kAppSendPath).back().param("access_token"), "tok-2");
}

TEST_F(OutboxTest, FiftyChangesForOneWebhookGoTwentyAMinuteInOrder) {
    ASSERT_NE(in_group("@助手 工单 网络很慢", "wangwu", kChatA).find("#1"), std::string::npos);
    for (int i = 1; i <= 50; ++i) {
        ASSERT_EQ(api("POST", "/api/v1/tickets/1/comments",
                      R"({"text": "进展 )" + std::to_string(i) + R"("})")
                      .status,
                  201);
    }
    ASSERT_TRUE(wait_for_requests(kWebhookPath, 20));
    clock_.advance(1s);  // nothing more within the minute
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(sent_to(kWebhookPath), 20u);
    clock_.advance(60s);
    ASSERT_TRUE(wait_for_requests(kWebhookPath, 40));
    EXPECT_EQ(sent_to(kWebhookPath), 40u);
    clock_.advance(60s);
    ASSERT_TRUE(wait_for_requests(kWebhookPath, 50));
    const auto sent = platform_.requests(kWebhookPath);
    ASSERT_EQ(sent.size(), 50u);
    for (int i = 0; i < 50; ++i) {
        const std::string content = json::parse(sent[i].body).at("markdown").at("content");
        EXPECT_NE(content.find("备注：进展 " + std::to_string(i + 1) + "\n"), std::string::npos)
            << i << ": " << content;
    }
}

}  // namespace
}  // namespace groupdesk::test
