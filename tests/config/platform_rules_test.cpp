// Tests for the platform section, the outbox section and a channel's agent_id and
// group_webhooks: defaults, good values, one message per broken rule, keys never printed.
#include "config/details/platform_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "config/config_loader.h"
#include "tests/config/config_test_support.h"

namespace groupdesk::config {
namespace {

using test::expect_single_errors;
using test::kBotKey;
using test::load;
using test::with_channels;
using test::with_top;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

std::string bot_channel(const std::string& members) {
    return with_channels(R"({"name": "bot", "kind": "aibot", "token": "t", "encoding_aes_key": ")" +
                         std::string(kBotKey) + "\"" + members + "}");
}

std::string app_channel(const std::string& members) {
    return with_channels(
        R"({"name": "corp-app", "kind": "wecom", "token": "tok", "receive_id": "ww1",
            "encoding_aes_key": "lKRAqMwOrg1RbhWggwIFK0PAQ479hMozW3haoCZqB8E")" +
        members + "}");
}

TEST(PlatformRules, DefaultsAreTheRealHostsAndDocumentedValues) {
    const LoadResult result = load(with_top(R"("log": {"level": "info"})"));
    ASSERT_TRUE(result.config.has_value()) << testing::PrintToString(result.errors);
    const Config& c = *result.config;
    EXPECT_EQ(c.platform.wecom_api_base, "https://qyapi.weixin.qq.com");
    EXPECT_EQ(c.platform.mp_api_base, "https://api.weixin.qq.com");
    EXPECT_EQ(c.platform.connect_timeout, 3000ms);
    EXPECT_EQ(c.platform.request_timeout, 10000ms);
    EXPECT_EQ(c.outbox.retry_initial, 1000ms);
    EXPECT_EQ(c.outbox.retry_max, 600000ms);
    EXPECT_EQ(c.outbox.give_up_after, 24h);
    EXPECT_TRUE(c.outbox.rate_limits);
    EXPECT_EQ(c.channels[0].agent_id, 0);
    EXPECT_TRUE(c.channels[0].group_webhooks.empty());
}

TEST(PlatformRules, ReadsEveryField) {
    const LoadResult result = load(with_top(
        R"("platform": {"wecom_api_base": "http://127.0.0.1:9000", "mp_api_base": "https://mp.example",
                        "connect_timeout_ms": 500, "request_timeout_ms": 2000},
           "outbox": {"retry_initial_ms": 10, "retry_max_ms": 100, "give_up_after_hours": 2,
                      "rate_limits": false})"));
    ASSERT_TRUE(result.config.has_value()) << testing::PrintToString(result.errors);
    const Config& c = *result.config;
    EXPECT_EQ(c.platform.wecom_api_base, "http://127.0.0.1:9000");
    EXPECT_EQ(c.platform.mp_api_base, "https://mp.example");
    EXPECT_EQ(c.platform.connect_timeout, 500ms);
    EXPECT_EQ(c.platform.request_timeout, 2000ms);
    EXPECT_EQ(c.outbox.retry_initial, 10ms);
    EXPECT_EQ(c.outbox.retry_max, 100ms);
    EXPECT_EQ(c.outbox.give_up_after, 2h);
    EXPECT_FALSE(c.outbox.rate_limits);
}

TEST(PlatformRules, ReadsAgentIdAndGroupWebhooks) {
    const LoadResult app = load(app_channel(R"(, "agent_id": 1000002)"));
    ASSERT_TRUE(app.config.has_value()) << testing::PrintToString(app.errors);
    EXPECT_EQ(app.config->channels[0].agent_id, 1000002);

    const LoadResult bot = load(bot_channel(
        R"(, "group_webhooks": {"wrOgQhDgAAcwMTB7YmDkbeBsgT_AAAA": "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"})"));
    ASSERT_TRUE(bot.config.has_value()) << testing::PrintToString(bot.errors);
    EXPECT_EQ(bot.config->channels[0].group_webhooks.at("wrOgQhDgAAcwMTB7YmDkbeBsgT_AAAA"),
              "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa");
}

TEST(PlatformRules, EachBrokenRuleHasItsMessage) {
    expect_single_errors({
        {with_top(R"("platform": [])"), "platform: must be an object"},
        {with_top(R"("platform": {"base": "x"})"), "platform.base: unknown key"},
        {with_top(R"("platform": {"wecom_api_base": 1})"),
         "platform.wecom_api_base: must be a string"},
        {with_top(R"("platform": {"wecom_api_base": "https://q.example/"})"),
         "platform.wecom_api_base: must be an http:// or https:// URL without a trailing slash, "
         "got \"https://q.example/\""},
        {with_top(R"("platform": {"mp_api_base": "ftp://q.example"})"),
         "platform.mp_api_base: must be an http:// or https:// URL without a trailing slash, got "
         "\"ftp://q.example\""},
        {with_top(R"("platform": {"connect_timeout_ms": 0})"),
         "platform.connect_timeout_ms: must be between 1 and 60000, got 0"},
        {with_top(R"("platform": {"request_timeout_ms": "5"})"),
         "platform.request_timeout_ms: must be an integer"},
        {with_top(R"("platform": {"connect_timeout_ms": 5000, "request_timeout_ms": 4000})"),
         "platform.connect_timeout_ms: must be at most platform.request_timeout_ms (4000), got "
         "5000"},
        {with_top(R"("outbox": {"retry_initial_ms": -1})"),
         "outbox.retry_initial_ms: must be between 1 and 3600000, got -1"},
        {with_top(R"("outbox": {"retry_initial_ms": 2000, "retry_max_ms": 1000})"),
         "outbox.retry_initial_ms: must be at most outbox.retry_max_ms (1000), got 2000"},
        {with_top(R"("outbox": {"give_up_after_hours": 0})"),
         "outbox.give_up_after_hours: must be between 1 and 720, got 0"},
        {with_top(R"("outbox": {"rate_limits": "no"})"),
         "outbox.rate_limits: must be true or false"},
        {with_top(R"("outbox": {"retries": 1})"), "outbox.retries: unknown key"},
        {app_channel(R"(, "agent_id": 0)"),
         "channels[0].agent_id: must be between 1 and 2147483647, got 0"},
        {app_channel(R"(, "agent_id": "1000002")"), "channels[0].agent_id: must be an integer"},
        {bot_channel(R"(, "agent_id": 5)"), "channels[0].agent_id: is only for a wecom channel"},
        {app_channel(R"(, "group_webhooks": {})"),
         "channels[0].group_webhooks: is only for an aibot channel"},
        {bot_channel(R"(, "group_webhooks": ["k"])"),
         "channels[0].group_webhooks: must be an object of chat id to webhook key"},
        {bot_channel(R"(, "group_webhooks": {"a b": "k"})"),
         "channels[0].group_webhooks: chat id must be 1 to 128 printable ASCII characters without "
         "spaces, got \"a b\""},
        {bot_channel(R"(, "group_webhooks": {"wr1": 5})"),
         "channels[0].group_webhooks.wr1: must be a string"},
        {bot_channel(R"(, "group_webhooks": {"wr1": ""})"),
         "channels[0].group_webhooks.wr1: must be 1 to 128 characters from A-Z a-z 0-9 and -, got "
         "0 characters"},
    });
}

TEST(PlatformRules, WebhookKeysNeverAppearInErrors) {
    const std::string key = "secret_key/with+bad chars";
    const LoadResult result = load(bot_channel(R"(, "group_webhooks": {"wr1": ")" + key + "\"}"));
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_THAT(result.errors[0], Not(HasSubstr("secret_key")));
    EXPECT_THAT(result.errors[0], HasSubstr("got 25 characters"));
}

TEST(PlatformRules, BaseUrls) {
    using details::valid_base_url;
    EXPECT_TRUE(valid_base_url("https://qyapi.weixin.qq.com"));
    EXPECT_TRUE(valid_base_url("http://127.0.0.1:8080"));
    EXPECT_TRUE(valid_base_url("http://fake.local/prefix"));
    EXPECT_FALSE(valid_base_url("https://"));
    EXPECT_FALSE(valid_base_url("https:///x"));
    EXPECT_FALSE(valid_base_url("qyapi.weixin.qq.com"));
    EXPECT_FALSE(valid_base_url("https://q.example?x=1"));
    EXPECT_FALSE(valid_base_url("https://user@q.example"));
    EXPECT_FALSE(valid_base_url("https://q.example #"));
}

}  // namespace
}  // namespace groupdesk::config
