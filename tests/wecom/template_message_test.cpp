// Tests for WecomApiClient::send_template_message against the fake platform: the body, the
// optional fields, the token, errcodes, and refusing channels that cannot send it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/wecom/api_client_fixture.h"

namespace groupdesk::wecom {
namespace {

using test::Failure;
using Json = nlohmann::json;

TemplateMessage ticket_update() {
    TemplateMessage m;
    m.template_id = "tmpl-ticket-update";
    m.url = "https://support.example.com/t/7";
    m.data = {{"thing1", "打印机卡纸"}, {"phrase2", "处理中"}};
    m.client_msg_id = "gd-n-42";
    return m;
}

using TemplateMessageTest = WecomApiClientTest;

TEST_F(TemplateMessageTest, PostsTheTemplateWithTheOaToken) {
    ASSERT_TRUE(client.send_template_message(oa_channel(), "oOPENID", ticket_update()));
    ASSERT_EQ(fake.requests("/cgi-bin/token").size(), 1u);
    const auto sends = fake.requests(kTemplate);
    ASSERT_EQ(sends.size(), 1u);
    EXPECT_EQ(sends[0].method, "POST");
    EXPECT_EQ(sends[0].query, "access_token=tok-1");
    EXPECT_EQ(body_of(kTemplate), Json::parse(R"({"touser":"oOPENID",
        "template_id":"tmpl-ticket-update","url":"https://support.example.com/t/7",
        "data":{"thing1":{"value":"打印机卡纸"},"phrase2":{"value":"处理中"}},
        "client_msg_id":"gd-n-42"})"));
}

TEST_F(TemplateMessageTest, EmptyUrlAndClientMsgIdAreLeftOut) {
    TemplateMessage m = ticket_update();
    m.url.clear();
    m.client_msg_id.clear();
    ASSERT_TRUE(client.send_template_message(oa_channel(), "oOPENID", m));
    const Json body = body_of(kTemplate);
    EXPECT_FALSE(body.contains("url"));
    EXPECT_FALSE(body.contains("client_msg_id"));
    EXPECT_EQ(body["template_id"], "tmpl-ticket-update");
}

TEST_F(TemplateMessageTest, NoFieldsSendAnEmptyDataObject) {
    TemplateMessage m = ticket_update();
    m.data.clear();
    ASSERT_TRUE(client.send_template_message(oa_channel(), "o", m));
    EXPECT_EQ(body_of(kTemplate)["data"], Json::object());
}

TEST_F(TemplateMessageTest, AnExpiredTokenIsRefreshedOnce) {
    ASSERT_TRUE(client.send_template_message(oa_channel(), "o", ticket_update()));
    fake.expire_token("tok-1");
    ASSERT_TRUE(client.send_template_message(oa_channel(), "o", ticket_update()));
    const auto sends = fake.requests(kTemplate);
    ASSERT_EQ(sends.size(), 3u);
    EXPECT_EQ(sends[1].query, "access_token=tok-1");
    EXPECT_EQ(sends[2].query, "access_token=tok-2");
}

TEST_F(TemplateMessageTest, ErrcodesAreMappedLikeTheOtherSends) {
    const std::pair<int, ErrorCode> cases[] = {{45009, ErrorCode::Unavailable},
                                               {-1, ErrorCode::Unavailable},
                                               {40037, ErrorCode::FailedPrecondition},
                                               {43101, ErrorCode::FailedPrecondition},
                                               {48001, ErrorCode::FailedPrecondition}};
    for (const auto& [code, expected] : cases) {
        SCOPED_TRACE(code);
        fake.fail_next(kTemplate, Failure::err(code, "no"));
        const Status status = client.send_template_message(oa_channel(), "o", ticket_update());
        ASSERT_FALSE(status);
        EXPECT_EQ(status.error().code, expected);
        EXPECT_EQ(status.error().detail, code);
        EXPECT_FALSE(status.error().public_reason.empty());
    }
}

TEST_F(TemplateMessageTest, TransportFailuresAreUnavailable) {
    fake.fail_next(kTemplate, Failure::http(502));
    const Status status = client.send_template_message(oa_channel(), "o", ticket_update());
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
}

TEST_F(TemplateMessageTest, OnlyAnOaChannelWithItsSecretSends) {
    config::Channel no_secret = oa_channel();
    no_secret.secret.clear();
    for (const auto* channel : {&app, &no_secret}) {
        const Status status = client.send_template_message(*channel, "o", ticket_update());
        ASSERT_FALSE(status);
        EXPECT_EQ(status.error().code, ErrorCode::FailedPrecondition);
        EXPECT_EQ(status.error().public_reason, "the channel is not set up to send this");
    }
    EXPECT_TRUE(fake.requests().empty());
}

// The fake can refuse one user's sends (window closed) while another's go through.
TEST_F(TemplateMessageTest, TheFakeFailsOneUsersCustomSendsOnly) {
    fake.fail_next_to(kCustom, "oCLOSED", Failure::err(45015, "response out of time limit"));
    const Status closed = client.send_custom_message(oa_channel(), "oCLOSED", text("x"));
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error().detail, 45015);
    EXPECT_TRUE(client.send_custom_message(oa_channel(), "oOPEN", text("x")));
    EXPECT_TRUE(client.send_custom_message(oa_channel(), "oCLOSED", text("x")));  // once only
}

TEST_F(TemplateMessageTest, TheFakeAnswersAMessageIdPerSend) {
    ASSERT_TRUE(client.send_template_message(oa_channel(), "o", ticket_update()));
    const std::string url = fake.base_url() + kTemplate + "?access_token=tok-1";
    const auto answer =
        http.post(url, "application/json", R"({"touser":"o","template_id":"t","data":{}})",
                  {std::chrono::seconds(1), std::chrono::seconds(3)});
    ASSERT_TRUE(answer.ok());
    EXPECT_EQ(Json::parse(answer->body), Json::parse(R"({"errcode":0,"errmsg":"ok","msgid":2})"));
}

}  // namespace
}  // namespace groupdesk::wecom
