// Tests for WecomApiClient through the real CurlHttpClient against the fake platform: the exact
// requests, errcode and transport mapping, the token cache and its refresh, and masking.
#include "wecom/wecom_api_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "tests/wecom/api_client_fixture.h"

namespace groupdesk::wecom {
namespace {

using test::Failure;
using test::FakePlatform;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;
using namespace std::chrono_literals;

TEST_F(WecomApiClientTest, WebhookMarkdownAppendsMentions) {
    ASSERT_TRUE(
        client.send_webhook("693a91f6-key", markdown("**T-7** done", {"zhangsan", "lisi"})));
    const auto requests = fake.requests(kWebhook);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].query, "key=693a91f6-key");
    EXPECT_EQ(body_of(kWebhook), Json::parse(R"({"msgtype":"markdown",
        "markdown":{"content":"**T-7** done\n<@zhangsan> <@lisi>"}})"));
}

TEST_F(WecomApiClientTest, WebhookTextUsesMentionedList) {
    ASSERT_TRUE(client.send_webhook("k1", text("hello", {"zhangsan"})));
    ASSERT_TRUE(client.send_webhook("k1", text("plain")));
    EXPECT_EQ(
        body_of(kWebhook, 0),
        Json::parse(
            R"({"msgtype":"text","text":{"content":"hello","mentioned_list":["zhangsan"]}})"));
    EXPECT_EQ(body_of(kWebhook, 1),
              Json::parse(R"({"msgtype":"text","text":{"content":"plain"}})"));
}

TEST_F(WecomApiClientTest, ResponseUrlGetsTheMarkdownAsIs) {
    const std::string url = fake.base_url() + "/cgi-bin/aibot/response?response_code=RC1";
    ASSERT_TRUE(client.post_response_url(url, markdown("done", {"zhangsan"})));
    const auto requests = fake.requests("/cgi-bin/aibot/response");
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].query, "response_code=RC1");
    EXPECT_EQ(Json::parse(requests[0].body),
              Json::parse(R"({"msgtype":"markdown","markdown":{"content":"done\n<@zhangsan>"}})"));
    EXPECT_EQ(fake.requests().size(), 1u);  // no token
}

TEST_F(WecomApiClientTest, AppMessageFetchesATokenThenSends) {
    ASSERT_TRUE(client.send_app_message(app, "zhangsan", text("hi")));
    ASSERT_TRUE(client.send_app_message(app, "lisi", markdown("**hi**")));
    const auto tokens = fake.requests(kGetToken);
    ASSERT_EQ(tokens.size(), 1u);
    EXPECT_EQ(tokens[0].method, "GET");
    EXPECT_EQ(tokens[0].param("corpid"), "ww3f8a2b1c4d5e6f70");
    EXPECT_EQ(tokens[0].param("corpsecret"), "app-secret");
    const auto sends = fake.requests(kSend);
    ASSERT_EQ(sends.size(), 2u);
    EXPECT_EQ(sends[0].query, "access_token=tok-1");
    EXPECT_EQ(body_of(kSend, 0), Json::parse(R"({"touser":"zhangsan","msgtype":"text",
        "agentid":1000002,"text":{"content":"hi"},"safe":0})"));
    EXPECT_EQ(body_of(kSend, 1), Json::parse(R"({"touser":"lisi","msgtype":"markdown",
        "agentid":1000002,"markdown":{"content":"**hi**"},"safe":0})"));
}

TEST_F(WecomApiClientTest, CustomMessageIsTextWithTheOaToken) {
    ASSERT_TRUE(client.send_custom_message(oa_channel(), "oOPENID", markdown("**bold**")));
    const auto tokens = fake.requests("/cgi-bin/token");
    ASSERT_EQ(tokens.size(), 1u);
    EXPECT_EQ(tokens[0].param("grant_type"), "client_credential");
    EXPECT_EQ(tokens[0].param("appid"), "wx8b2c4d6e8f0a1b3c");
    EXPECT_EQ(tokens[0].param("secret"), "oa-secret");
    ASSERT_EQ(count(kCustom), 1u);
    EXPECT_EQ(fake.requests(kCustom)[0].query, "access_token=tok-1");
    EXPECT_EQ(
        body_of(kCustom),
        Json::parse(R"({"touser":"oOPENID","msgtype":"text","text":{"content":"**bold**"}})"));
}

TEST_F(WecomApiClientTest, TokenIsCachedUntilFiveMinutesBeforeItExpires) {
    ASSERT_TRUE(client.send_app_message(app, "u", text("1")));
    clock.advance(7200s - 5min - 1s);
    ASSERT_TRUE(client.send_app_message(app, "u", text("2")));
    EXPECT_EQ(count(kGetToken), 1u);
    clock.advance(1s);
    ASSERT_TRUE(client.send_app_message(app, "u", text("3")));
    EXPECT_EQ(count(kGetToken), 2u);
    EXPECT_EQ(fake.requests(kSend)[2].query, "access_token=tok-2");
}

TEST_F(WecomApiClientTest, AShortLivedTokenIsUsedForHalfItsLife) {
    fake.set_expires_in(60);
    ASSERT_TRUE(client.send_app_message(app, "u", text("1")));
    clock.advance(29s);
    ASSERT_TRUE(client.send_app_message(app, "u", text("2")));
    EXPECT_EQ(count(kGetToken), 1u);
    clock.advance(1s);
    ASSERT_TRUE(client.send_app_message(app, "u", text("3")));
    EXPECT_EQ(count(kGetToken), 2u);
}

TEST_F(WecomApiClientTest, EachAppHasItsOwnToken) {
    config::Channel other = app_channel();
    other.secret = "other-secret";
    ASSERT_TRUE(client.send_app_message(app, "u", text("1")));
    ASSERT_TRUE(client.send_app_message(other, "u", text("2")));
    ASSERT_TRUE(client.send_custom_message(oa_channel(), "o", text("3")));
    EXPECT_EQ(count(kGetToken), 2u);
    EXPECT_EQ(count("/cgi-bin/token"), 1u);
}

TEST_F(WecomApiClientTest, ExpiredTokenIsRefreshedOnceAndTheCallRetried) {
    ASSERT_TRUE(client.send_app_message(app, "u", text("1")));
    fake.expire_token("tok-1");
    ASSERT_TRUE(client.send_app_message(app, "u", text("2")));
    const auto sends = fake.requests(kSend);
    ASSERT_EQ(sends.size(), 3u);
    EXPECT_EQ(sends[1].query, "access_token=tok-1");
    EXPECT_EQ(sends[2].query, "access_token=tok-2");
    EXPECT_EQ(count(kGetToken), 2u);
}

TEST_F(WecomApiClientTest, ASecondTokenErrorIsAnErrorNotALoop) {
    fake.fail_next(kSend, Failure::err(42001, "access_token expired"), FakePlatform::kForever);
    const Status status = client.send_app_message(app, "u", text("1"));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().detail, 42001);
    EXPECT_NE(status.error().code, ErrorCode::Unavailable);
    EXPECT_EQ(count(kSend), 2u);
    EXPECT_EQ(count(kGetToken), 2u);
}

TEST_F(WecomApiClientTest, ConcurrentCallersShareOneTokenFetch) {
    fake.set_token_delay(300ms);
    std::vector<std::thread> threads;
    threads.reserve(8);
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&] {
            if (client.send_app_message(app, "u", text("hi"))) ++ok;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 8);
    EXPECT_EQ(count(kGetToken), 1u);
    EXPECT_EQ(count(kSend), 8u);
}

TEST_F(WecomApiClientTest, RetryableErrcodesAreUnavailableWithTheCode) {
    for (int code : {-1, 45009, 45011, 45033}) {
        SCOPED_TRACE(code);
        fake.fail_next(kWebhook, Failure::err(code, "busy"));
        const Status status = client.send_webhook("k", text("x"));
        ASSERT_FALSE(status);
        EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
        EXPECT_EQ(status.error().detail, code);
        EXPECT_EQ(status.error().message, "errcode " + std::to_string(code) + ": busy");
    }
}

TEST_F(WecomApiClientTest, OtherErrcodesArePermanentWithTheCode) {
    const std::pair<int, ErrorCode> cases[] = {{93000, ErrorCode::FailedPrecondition},
                                               {43004, ErrorCode::FailedPrecondition},
                                               {45015, ErrorCode::FailedPrecondition},
                                               {48002, ErrorCode::PermissionDenied}};
    for (const auto& [code, expected] : cases) {
        SCOPED_TRACE(code);
        fake.fail_next(kCustom, Failure::err(code, "no"));
        const Status status = client.send_custom_message(oa_channel(), "o", text("x"));
        ASSERT_FALSE(status);
        EXPECT_EQ(status.error().code, expected);
        EXPECT_EQ(status.error().detail, code);
        EXPECT_FALSE(status.error().public_reason.empty());
    }
}

TEST_F(WecomApiClientTest, HttpErrorsAndNonJsonAnswers) {
    fake.fail_next(kWebhook, Failure::http(500));
    Status status = client.send_webhook("k", text("x"));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
    EXPECT_EQ(status.error().detail, 0);
    EXPECT_EQ(status.error().message, "HTTP 500");

    fake.fail_next(kWebhook, Failure::http(404));
    status = client.send_webhook("k", text("x"));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, ErrorCode::FailedPrecondition);

    fake.fail_next(kWebhook, Failure::http(200));  // "server error" is not JSON
    status = client.send_webhook("k", text("x"));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
}

TEST_F(WecomApiClientTest, TooManyRequestsIsUnavailable) {
    fake.fail_next(kWebhook, Failure::http(429));
    const Status status = client.send_webhook("k", text("x"));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
}

TEST_F(WecomApiClientTest, InvalidUtf8IsReplacedNotThrown) {
    ASSERT_TRUE(client.send_webhook("k", text("bad \xff byte")));
    EXPECT_EQ(body_of(kWebhook)["text"]["content"], "bad \xEF\xBF\xBD byte");
}

TEST_F(WecomApiClientTest, TimeoutIsUnavailable) {
    const config::Platform quick = platform_at(fake.base_url(), 300ms);
    WecomApiClient impatient{http, quick, clock};
    fake.fail_next(kWebhook, Failure::hang_for(5s));
    const auto start = std::chrono::steady_clock::now();
    const Status status = impatient.send_webhook("k", text("x"));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
    EXPECT_EQ(status.error().detail, 0);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(WecomApiClientTest, UnreachablePlatformIsUnavailable) {
    const config::Platform nowhere = platform_at("http://127.0.0.1:1");
    WecomApiClient lost{http, nowhere, clock};
    const Status status = lost.send_webhook("sekret-key", text("x"));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, ErrorCode::Unavailable);
    EXPECT_THAT(status.error().message, HasSubstr("transport"));
    EXPECT_THAT(status.error().message, Not(HasSubstr("sekret")));
}

TEST_F(WecomApiClientTest, KeysAndTokensAreMaskedInMessages) {
    fake.fail_next(kWebhook, Failure::err(93000, "invalid webhook url, hint: key=sekret-key"));
    Status status = client.send_webhook("sekret-key", text("x"));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().message, "errcode 93000: invalid webhook url, hint: key=***");

    fake.fail_next(kSend, Failure::err(40003, "invalid touser, access_token=tok-1"));
    status = client.send_app_message(app, "u", text("x"));
    ASSERT_FALSE(status);
    EXPECT_THAT(status.error().message, Not(HasSubstr("tok-1")));

    fake.fail_next("/cgi-bin/aibot/response", Failure::err(40008, "bad response_code=RC9"));
    status = client.post_response_url(fake.base_url() + "/cgi-bin/aibot/response?response_code=RC9",
                                      markdown("x"));
    ASSERT_FALSE(status);
    EXPECT_THAT(status.error().message, Not(HasSubstr("RC9")));
}

TEST_F(WecomApiClientTest, TokenFetchErrorsStopTheCall) {
    fake.fail_next(kGetToken, Failure::err(40001, "invalid credential"));
    const Status status = client.send_app_message(app, "u", text("x"));
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().detail, 40001);
    EXPECT_THAT(status.error().message, HasSubstr("corp-app"));
    EXPECT_EQ(count(kSend), 0u);
}

TEST_F(WecomApiClientTest, AChannelWithoutSecretOrAgentIdIsRefusedWithoutACall) {
    config::Channel no_secret = app_channel();
    no_secret.secret.clear();
    config::Channel no_agent = app_channel();
    no_agent.agent_id = 0;
    for (const auto* channel : {&no_secret, &no_agent}) {
        const Status status = client.send_app_message(*channel, "u", text("x"));
        ASSERT_FALSE(status);
        EXPECT_EQ(status.error().code, ErrorCode::FailedPrecondition);
        EXPECT_EQ(status.error().public_reason, "the channel is not set up to send this");
    }
    config::Channel oa = oa_channel();
    oa.secret.clear();
    EXPECT_FALSE(client.send_custom_message(oa, "o", text("x")));
    EXPECT_FALSE(client.send_custom_message(app, "o", text("x")));  // not an OA channel
    EXPECT_TRUE(fake.requests().empty());
}

TEST_F(WecomApiClientTest, AutoreplyInfoIsAGetWithTheOaTokenAndAnswersTheBody) {
    fake.set_autoreply_answer(R"({"is_add_friend_reply_open":0,"is_autoreply_open":0})");
    auto answer = client.get_autoreply_info(oa_channel());
    ASSERT_TRUE(answer.ok()) << answer.error().message;
    EXPECT_EQ(*answer, R"({"is_add_friend_reply_open":0,"is_autoreply_open":0})");
    const auto tokens = fake.requests("/cgi-bin/token");
    ASSERT_EQ(tokens.size(), 1u);
    EXPECT_EQ(tokens[0].param("appid"), "wx8b2c4d6e8f0a1b3c");
    EXPECT_EQ(tokens[0].param("secret"), "oa-secret");
    const auto gets = fake.requests(kAutoreply);
    ASSERT_EQ(gets.size(), 1u);
    EXPECT_EQ(gets[0].method, "GET");
    EXPECT_EQ(gets[0].query, "access_token=tok-1");
    // The token is cached like the sends'.
    ASSERT_TRUE(client.get_autoreply_info(oa_channel()).ok());
    EXPECT_EQ(fake.requests("/cgi-bin/token").size(), 1u);
    // By default the fake answers the official sample.
    fake.set_autoreply_answer(FakePlatform::sample_autoreply_answer());
    answer = client.get_autoreply_info(oa_channel());
    ASSERT_TRUE(answer.ok());
    EXPECT_THAT(*answer, HasSubstr("autoreply-news"));
}

TEST_F(WecomApiClientTest, AutoreplyInfoRefreshesAnExpiredTokenOnce) {
    ASSERT_TRUE(client.get_autoreply_info(oa_channel()).ok());
    fake.expire_token("tok-1");
    ASSERT_TRUE(client.get_autoreply_info(oa_channel()).ok());
    const auto gets = fake.requests(kAutoreply);
    ASSERT_EQ(gets.size(), 3u);
    EXPECT_EQ(gets[1].query, "access_token=tok-1");
    EXPECT_EQ(gets[2].query, "access_token=tok-2");

    fake.fail_next(kAutoreply, Failure::err(40014, "invalid access_token"), FakePlatform::kForever);
    auto answer = client.get_autoreply_info(oa_channel());
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().detail, 40014);
    EXPECT_EQ(fake.requests(kAutoreply).size(), 5u);  // one retry, not a loop
}

TEST_F(WecomApiClientTest, AutoreplyInfoErrcodesAndTransportFailuresAreMapped) {
    fake.fail_next(kAutoreply, Failure::err(48001, "api unauthorized, access_token=tok-1"));
    auto answer = client.get_autoreply_info(oa_channel());
    ASSERT_FALSE(answer.ok());
    EXPECT_NE(answer.error().code, ErrorCode::Unavailable);
    EXPECT_EQ(answer.error().detail, 48001);
    EXPECT_THAT(answer.error().message, HasSubstr("errcode 48001"));
    EXPECT_THAT(answer.error().message, Not(HasSubstr("tok-1")));

    fake.fail_next(kAutoreply, Failure::err(45009, "reach max api daily quota limit"));
    answer = client.get_autoreply_info(oa_channel());
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().code, ErrorCode::Unavailable);
    EXPECT_EQ(answer.error().detail, 45009);

    fake.fail_next(kAutoreply, Failure::http(502));
    answer = client.get_autoreply_info(oa_channel());
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().code, ErrorCode::Unavailable);

    fake.set_autoreply_answer("not json");
    answer = client.get_autoreply_info(oa_channel());
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().code, ErrorCode::Unavailable);

    fake.fail_next("/cgi-bin/token", Failure::err(40001, "invalid credential"));
    fake.expire_token("tok-1");
    answer = client.get_autoreply_info(oa_channel());
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().detail, 40001);
    EXPECT_THAT(answer.error().message, HasSubstr("access token for channel oa"));
}

TEST_F(WecomApiClientTest, AutoreplyInfoNeedsAnOaChannelWithItsSecret) {
    config::Channel oa = oa_channel();
    oa.secret.clear();
    auto answer = client.get_autoreply_info(oa);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().code, ErrorCode::FailedPrecondition);
    answer = client.get_autoreply_info(app);  // not an OA channel
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error().code, ErrorCode::FailedPrecondition);
    EXPECT_TRUE(fake.requests().empty());
}

}  // namespace
}  // namespace groupdesk::wecom
