// What a captured or forged callback gets from the running server: a plaintext request on a
// keyed Official Account, a replay after the timestamp window, another body under a plaintext
// (timestamp, nonce) pair — and the headers every text answer carries.
#include "tests/integration/server_fixture.h"
#include "tests/support/callbacks.h"
#include "tests/support/vectors.h"

namespace groupdesk::test {
namespace {

// A message as anyone could write it, from any openid.
std::string forged(const std::string& content, const std::string& msg_id) {
    return "<xml><ToUserName><![CDATA[gh_5a3c7e9b1d2f]]></ToUserName><FromUserName>"
           "<![CDATA[oFORGED]]></FromUserName><CreateTime>1767225601</CreateTime><MsgType>"
           "<![CDATA[text]]></MsgType><Content><![CDATA[" +
           content + "]]></Content><MsgId>" + msg_id + "</MsgId></xml>";
}

const std::string kBadSignature =
    "groupdesk_callbacks_total{channel=\"service-account\",outcome=\"bad_signature\"}";

TEST_F(ServerTest, KeyedOfficialAccountRefusesTheDowngradeToPlaintext) {
    auto request =
        plaintext_callback(channel("service-account"), forged("help", "1"), "1767225601", "9");
    for (const std::string extra : {"", "&encrypt_type=raw"}) {
        auto response = post(request.target + extra, request.body);
        EXPECT_EQ(response.status, 403);
        EXPECT_EQ(response.body,
                  "plaintext request on a channel with a key (encrypt_type=aes required)\n");
        EXPECT_EQ(response.body.find("oFORGED"), std::string::npos);
    }
    EXPECT_EQ(metric(kBadSignature), 2);
}

TEST_F(ServerTest, AcceptPlaintextIsTheOperatorsExplicitChoice) {
    auto switching = channel("service-account");
    switching.name = "switching-account";
    switching.accept_plaintext = true;
    config_.channels.push_back(switching);
    restart();
    auto request =
        plaintext_callback(channel("switching-account"), forged("help", "2"), "1767225601", "9");
    auto response = post(request.target, request.body);
    ASSERT_EQ(response.status, 200);
    EXPECT_EQ(between(response.body, "<ToUserName><![CDATA[", "]]>"), "oFORGED");
}

TEST_F(ServerTest, AReplayAfterTheTimestampWindowIsRefused) {
    const auto& v = vector_by_id("wecom-text-ascii");
    const std::string target =
        "/callback/corp-app?" + v.at("http").at("query_string").get<std::string>();
    ASSERT_EQ(post(target, v.at("http").at("body")).status, 200);
    clock_.advance(std::chrono::hours(1) + std::chrono::seconds(1));
    auto replayed = post(target, v.at("http").at("body"));
    EXPECT_EQ(replayed.status, 403);
    EXPECT_EQ(replayed.body.rfind("timestamp outside the accepted window", 0), 0u);
    // Long after the dedup records are gone, too.
    clock_.advance(std::chrono::hours(100));
    EXPECT_EQ(post(target, v.at("http").at("body")).status, 403);
}

TEST_F(ServerTest, APlaintextPairIsBoundToItsFirstBody) {
    auto real =
        plaintext_callback(channel("plain-account"), forged("help", "31"), "1767225601", "5150");
    auto first = post(real.target, real.body);
    ASSERT_EQ(first.status, 200);
    // Same query string (as an access log shows it), another message.
    auto swapped = post(real.target, forged("帮助", "32"));
    EXPECT_EQ(swapped.status, 403);
    EXPECT_EQ(swapped.body, "timestamp and nonce already used with another message\n");
    // The platform's own retry still gets its answer, also after a restart.
    restart();
    auto retry = post(real.target, real.body);
    EXPECT_EQ(retry.status, 200);
    EXPECT_EQ(retry.body, first.body);
    EXPECT_EQ(post(real.target, forged("帮助", "32")).status, 403);
}

TEST_F(ServerTest, TextAnswersCarryNosniff) {
    const auto& v = vector_by_id("mp-verify");
    auto echo =
        get("/callback/service-account?" + v.at("http").at("query_string").get<std::string>());
    ASSERT_EQ(echo.status, 200);
    EXPECT_EQ(echo.header("X-Content-Type-Options"), "nosniff");
    for (const auto& response : {get("/healthz"), get("/nowhere"), get("/callback/corp-app")}) {
        EXPECT_EQ(response.header("X-Content-Type-Options"), "nosniff") << response.status;
    }
}

}  // namespace
}  // namespace groupdesk::test
