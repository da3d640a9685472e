// Tests for an AI bot's transport: a long-connection channel's own fields (bot_id, secret), the
// callback fields it must not have, and the platform's long-connection settings.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config_loader.h"
#include "config/details/platform_rules.h"
#include "tests/config/config_test_support.h"

namespace groupdesk::config {
namespace {

using test::expect_single_errors;
using test::load;
using test::with_channels;
using test::with_top;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using namespace std::chrono_literals;

std::string ws_channel(const std::string& members) {
    return with_channels(R"({"name": "ws-bot", "kind": "aibot", "transport": "long_connection")" +
                         members + "}");
}

TEST(TransportRules, ALongConnectionBotNeedsOnlyItsIdAndSecret) {
    const LoadResult result = load(ws_channel(R"(, "bot_id": "aibXYZ", "secret": "s3cret")"));
    ASSERT_THAT(result.errors, IsEmpty());
    const Channel& c = result.config->channels[0];
    EXPECT_TRUE(c.long_connection());
    EXPECT_EQ(c.bot_id, "aibXYZ");
    EXPECT_EQ(c.secret, "s3cret");
    EXPECT_TRUE(c.ticket_cards);
    EXPECT_FALSE(c.encrypted());
}

TEST(TransportRules, CallbackIsTheDefaultAndCanBeSaid) {
    const LoadResult result = load(with_channels(
        R"({"name": "bot", "kind": "aibot", "token": "t", "transport": "callback",
            "encoding_aes_key": ")" +
        std::string(test::kBotKey) + R"("})"));
    ASSERT_THAT(result.errors, IsEmpty());
    EXPECT_FALSE(result.config->channels[0].long_connection());
}

TEST(TransportRules, EachBrokenRuleHasItsMessage) {
    expect_single_errors({
        {ws_channel(R"(, "secret": "s")"),
         "channels[0].bot_id: is required with transport long_connection"},
        {ws_channel(R"(, "bot_id": "b")"),
         "channels[0].secret: is required with transport long_connection (in the file or as "
         "GROUPDESK_WS_BOT_SECRET)"},
        {ws_channel(R"(, "bot_id": "b", "secret": "")"), "channels[0].secret: must not be empty"},
        {ws_channel(R"(, "bot_id": "a b", "secret": "s")"),
         "channels[0].bot_id: must be 1 to 128 printable ASCII characters without whitespace"},
        {ws_channel(R"(, "bot_id": "b", "secret": "s", "token": "t")"),
         "channels[0].token: is not used with transport long_connection"},
        {ws_channel(R"(, "bot_id": "b", "secret": "s", "encoding_aes_key": "")"),
         "channels[0].encoding_aes_key: is not used with transport long_connection"},
        {with_channels(R"({"name": "bot", "kind": "aibot", "transport": "socket", "token": "t",
                           "encoding_aes_key": ")" +
                       std::string(test::kBotKey) + R"("})"),
         "channels[0].transport: must be callback or long_connection, got \"socket\""},
        {with_channels(R"({"name": "app", "kind": "wecom", "transport": "long_connection",
                           "bot_id": "b", "secret": "s"})"),
         "channels[0].transport: is only for an aibot channel (other kinds have callbacks only)"},
        {with_channels(R"({"name": "bot", "kind": "aibot", "token": "t", "bot_id": "b",
                           "encoding_aes_key": ")" +
                       std::string(test::kBotKey) + R"("})"),
         "channels[0].bot_id: is only for an aibot channel with transport long_connection"},
        {with_top(R"("platform": {"aibot_ws_url": "https://openws.example"})"),
         "platform.aibot_ws_url: must be a wss:// (or, for tests, ws://) URL, got "
         "\"https://openws.example\""},
        {with_top(R"("platform": {"aibot_ping_interval_ms": 10})"),
         "platform.aibot_ping_interval_ms: must be between 100 and 300000, got 10"},
        {with_top(R"("platform": {"aibot_reconnect_initial_ms": 5000,
                                   "aibot_reconnect_max_ms": 1000})"),
         "platform.aibot_reconnect_initial_ms: must be at most platform.aibot_reconnect_max_ms"},
        {with_top(R"("platform": {"aibot_ack_timeout_ms": 0})"),
         "platform.aibot_ack_timeout_ms: must be between 10 and 300000, got 0"},
    });
}

TEST(TransportRules, TheSecretNeverAppearsInAnError) {
    const LoadResult result =
        load(ws_channel(R"(, "bot_id": "bad id", "secret": "TopSecretValue")"));
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_THAT(result.errors[0], Not(HasSubstr("TopSecretValue")));
}

TEST(TransportRules, ReadsThePlatformsLongConnectionSettings) {
    const LoadResult result = load(with_top(
        R"("platform": {"aibot_ws_url": "ws://127.0.0.1:9000/ws", "aibot_ping_interval_ms": 500,
                        "aibot_reconnect_initial_ms": 20, "aibot_reconnect_max_ms": 400,
                        "aibot_ack_timeout_ms": 300})"));
    ASSERT_THAT(result.errors, IsEmpty());
    const Platform& p = result.config->platform;
    EXPECT_EQ(p.aibot_ws_url, "ws://127.0.0.1:9000/ws");
    EXPECT_EQ(p.aibot_ping_interval, 500ms);
    EXPECT_EQ(p.aibot_reconnect_initial, 20ms);
    EXPECT_EQ(p.aibot_reconnect_max, 400ms);
    EXPECT_EQ(p.aibot_ack_timeout, 300ms);

    const Config defaults = *load(with_top(R"("log": {})")).config;
    EXPECT_EQ(defaults.platform.aibot_ws_url, "wss://openws.work.weixin.qq.com");
    EXPECT_EQ(defaults.platform.aibot_ping_interval, 30s);
}

TEST(TransportRules, WsUrls) {
    using details::valid_ws_url;
    EXPECT_TRUE(valid_ws_url("wss://openws.work.weixin.qq.com"));
    EXPECT_TRUE(valid_ws_url("ws://127.0.0.1:8080/path"));
    EXPECT_FALSE(valid_ws_url("wss://"));
    EXPECT_FALSE(valid_ws_url("wss:///x"));
    EXPECT_FALSE(valid_ws_url("http://x"));
    EXPECT_FALSE(valid_ws_url("wss://a b"));
    EXPECT_FALSE(valid_ws_url("wss://user@host"));
}

}  // namespace
}  // namespace groupdesk::config
