// Real HTTP against the real server for all three channel kinds: URL verification, encrypted
// messages and their decrypted replies, Official Account plaintext and compatible mode.
#include <nlohmann/json.hpp>

#include "handlers/help_handler.h"
#include "tests/integration/server_fixture.h"
#include "tests/support/callbacks.h"
#include "tests/support/vectors.h"

namespace groupdesk::test {
namespace {

std::string http_target(const std::string& name, const nlohmann::json& vector) {
    return "/callback/" + name + "?" + vector.at("http").at("query_string").get<std::string>();
}

const std::string kHelp = handlers::default_help_texts().help;
const std::string kWelcome = handlers::default_help_texts().welcome;

TEST_F(ServerTest, UrlVerificationOfEveryKind) {
    struct Case {
        const char* channel;
        const char* vector;
    };
    for (Case c : {Case{"corp-app", "wecom-verify"}, Case{"group-bot", "aibot-verify"},
                   Case{"service-account", "mp-verify"}, Case{"plain-account", "mp-verify"}}) {
        const auto& v = vector_by_id(c.vector);
        auto response = get(http_target(c.channel, v));
        EXPECT_EQ(response.status, 200) << c.vector;
        EXPECT_EQ(response.body, v.at("http").at("expected_body").get<std::string>()) << c.vector;
    }
}

TEST_F(ServerTest, WeComHelpGetsAnEncryptedTextReply) {
    const auto& v = vector_by_id("wecom-text-ascii");  // Content "help"
    auto response = post(http_target("corp-app", v), v.at("http").at("body"));
    ASSERT_EQ(response.status, 200);
    EXPECT_NE(response.header("Content-Type").find("xml"), std::string::npos);
    const std::string reply = open_reply(channel("corp-app"), response.body);
    EXPECT_EQ(between(reply, "<ToUserName><![CDATA[", "]]>"), "zhangsan");
    EXPECT_EQ(between(reply, "<FromUserName><![CDATA[", "]]>"), "ww3f8a2b1c4d5e6f70");
    EXPECT_EQ(between(reply, "<MsgType><![CDATA[", "]]>"), "text");
    EXPECT_EQ(between(reply, "<Content><![CDATA[", "]]>"), kHelp);
}

TEST_F(ServerTest, WeComTicketCommandIsConfirmed) {
    const auto& v = vector_by_id("wecom-text-chinese");  // "工单 打印机无法连接，请尽快处理！"
    auto response = post(http_target("corp-app", v), v.at("http").at("body"));
    ASSERT_EQ(response.status, 200);
    const std::string reply = open_reply(channel("corp-app"), response.body);
    EXPECT_NE(between(reply, "<Content><![CDATA[", "]]>")
                  .find("已创建工单 #1：打印机无法连接，请尽快处理！"),
              std::string::npos)
        << reply;
}

TEST_F(ServerTest, WeComMessageNobodyAnswersGetsAnEmptyBody) {
    auto request = encrypted_callback(
        channel("corp-app"),
        "<xml><ToUserName><![CDATA[ww3f8a2b1c4d5e6f70]]></ToUserName><FromUserName><![CDATA["
        "zhangsan]]></FromUserName><CreateTime>1767225602</CreateTime><MsgType><![CDATA[text]]>"
        "</MsgType><Content><![CDATA[谢谢]]></Content><MsgId>7300000000000000099</MsgId>"
        "<AgentID>1000002</AgentID></xml>",
        "1767225602", "3948571620");
    auto response = post(request.target, request.body);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "");
}

TEST_F(ServerTest, OfficialAccountSafeModeAnswersSuccessOrAnEncryptedReply) {
    const auto& text = vector_by_id("mp-safe-text");
    auto silent = post(http_target("service-account", text), text.at("http").at("body"));
    EXPECT_EQ(silent.status, 200);
    EXPECT_EQ(silent.body, "success");

    const auto& subscribe = vector_by_id("mp-safe-subscribe-scan");
    auto welcome = post(http_target("service-account", subscribe), subscribe.at("http").at("body"));
    ASSERT_EQ(welcome.status, 200);
    const std::string reply = open_reply(channel("service-account"), welcome.body);
    EXPECT_EQ(between(reply, "<ToUserName><![CDATA[", "]]>"), "oGd8Kt2VxYq7Lm3Np0Rs5Uw9Zc1E");
    EXPECT_EQ(between(reply, "<FromUserName><![CDATA[", "]]>"), "gh_5a3c7e9b1d2f");
    EXPECT_EQ(between(reply, "<Content><![CDATA[", "]]>"), kWelcome);
}

TEST_F(ServerTest, OfficialAccountCompatibleModeUsesTheCiphertext) {
    const auto& v = vector_by_id("mp-compatible-text");
    auto response = post(http_target("service-account", v), v.at("http").at("body"));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "success");
}

TEST_F(ServerTest, OfficialAccountPlaintextModeRepliesInPlaintext) {
    const auto& v = vector_by_id("mp-plain-text");
    auto silent = post(http_target("plain-account", v), v.at("http").at("body"));
    EXPECT_EQ(silent.status, 200);
    EXPECT_EQ(silent.body, "success");

    auto help = plaintext_callback(
        channel("plain-account"),
        "<xml><ToUserName><![CDATA[gh_5a3c7e9b1d2f]]></ToUserName><FromUserName><![CDATA[oUser1]]>"
        "</FromUserName><CreateTime>1767225700</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[帮助]]></Content><MsgId>24800000000000099</MsgId></xml>",
        "1767225700", "424242");
    auto replied = post(help.target, help.body);
    ASSERT_EQ(replied.status, 200);
    EXPECT_EQ(between(replied.body, "<ToUserName><![CDATA[", "]]>"), "oUser1");
    EXPECT_EQ(between(replied.body, "<Content><![CDATA[", "]]>"), kHelp);
}

TEST_F(ServerTest, AiBotGroupMessageAndEnterChat) {
    const auto& group = vector_by_id("aibot-text-group");  // "@assistant 工单 打印机无法连接"
    auto created =
        post(http_target("group-bot", group), group.at("http").at("body"), "application/json");
    ASSERT_EQ(created.status, 200);
    auto confirmation = nlohmann::json::parse(open_reply(channel("group-bot"), created.body));
    // An aibot channel confirms with a ticket card unless its config asks for text.
    EXPECT_EQ(confirmation.at("msgtype"), "template_card");
    EXPECT_EQ(confirmation.at("template_card").at("main_title").at("title"), "工单 #1 已创建");

    const auto& enter = vector_by_id("aibot-event-enter-chat");
    auto welcome =
        post(http_target("group-bot", enter), enter.at("http").at("body"), "application/json");
    ASSERT_EQ(welcome.status, 200);
    auto reply = nlohmann::json::parse(open_reply(channel("group-bot"), welcome.body));
    EXPECT_EQ(reply.at("msgtype"), "text");  // text only for enter_chat
    EXPECT_EQ(reply.at("text").at("content"), kWelcome);
}

TEST_F(ServerTest, AiBotHelpMentionGetsAFinishedStream) {
    auto request = encrypted_callback(
        channel("group-bot"),
        R"({"msgid":"it-help-1","aibotid":"AIBOT_GROUPDESK","chatid":"wrkSFfCgAAexample42",)"
        R"("chattype":"group","from":{"userid":"lisi"},"response_url":"https://example.invalid/r",)"
        R"("msgtype":"text","text":{"content":"@assistant\u2005help"}})",
        "1767225800", "99887766");
    auto response = post(request.target, request.body, request.content_type);
    ASSERT_EQ(response.status, 200);
    auto reply = nlohmann::json::parse(open_reply(channel("group-bot"), response.body));
    EXPECT_EQ(reply.at("msgtype"), "stream");
    EXPECT_EQ(reply.at("stream").at("finish"), true);
    EXPECT_EQ(reply.at("stream").at("content"), kHelp);
    EXPECT_FALSE(reply.at("stream").at("id").get<std::string>().empty());
}

TEST_F(ServerTest, HealthAndMetrics) {
    auto health = get("/healthz");
    EXPECT_EQ(health.status, 200);
    const auto& v = vector_by_id("wecom-verify");
    ASSERT_EQ(get(http_target("corp-app", v)).status, 200);
    auto metrics = get("/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find("# TYPE groupdesk_callback_seconds histogram"), std::string::npos);
    EXPECT_EQ(metric("groupdesk_callbacks_total{channel=\"corp-app\",outcome=\"verified\"}"), 1);
    EXPECT_EQ(metric("groupdesk_callback_seconds_count{channel=\"corp-app\"}"), 1);
    EXPECT_EQ(metric("groupdesk_dedup_hits_total{channel=\"corp-app\"}"), 0);
}

}  // namespace
}  // namespace groupdesk::test
