// Tests for people and API credentials in the config: agents and admins, a channel's agents and
// bot_names, api_tokens with their environment overrides, and token values never in an error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config_loader.h"
#include "tests/config/config_test_support.h"

namespace groupdesk::config {
namespace {

using test::expect_single_errors;
using test::kBotKey;
using test::load;
using test::with_channels;
using test::with_top;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kTokenA(32, 'a');
const std::string kTokenB = "B" + std::string(40, 'b');

EnvLookup fake_env(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

std::string bot_channel(const std::string& members) {
    return with_channels(R"({"name": "bot", "kind": "aibot", "token": "t", "encoding_aes_key": ")" +
                         std::string(kBotKey) + "\"" + members + "}");
}

// A document with these api_tokens entries.
std::string tokens(const std::string& entries) {
    return with_top("\"api_tokens\": [" + entries + "]");
}

std::string token(const std::string& name, const std::string& value,
                  const std::string& extra = "") {
    return R"({"name": ")" + name + R"(", "token": ")" + value + "\"" + extra + "}";
}

TEST(PeopleRules, ReadsPeopleAndTokens) {
    const LoadResult result = load(R"({"agents": ["zhangsan", "李四"], "admins": ["wangwu"],
        "api_tokens": [)" + token("ops-console", kTokenA, R"(, "role": "admin")") +
                                   ", " + token("helpdesk_2", kTokenB) + R"(],
        "channels": [{"name": "bot", "kind": "aibot", "token": "t", "encoding_aes_key": ")" +
                                   kBotKey + R"(",
                      "bot_names": ["助手", "assistant"], "agents": ["zhaoliu"]}]})");
    ASSERT_THAT(result.errors, IsEmpty());
    const Config& c = *result.config;
    EXPECT_THAT(c.agents, ElementsAre("zhangsan", "李四"));
    EXPECT_THAT(c.admins, ElementsAre("wangwu"));
    EXPECT_THAT(c.channels[0].bot_names, ElementsAre("助手", "assistant"));
    EXPECT_THAT(c.channels[0].agents, ElementsAre("zhaoliu"));
    ASSERT_EQ(c.api_tokens.size(), 2u);
    EXPECT_EQ(c.api_tokens[0].name, "ops-console");
    EXPECT_EQ(c.api_tokens[0].token, kTokenA);
    EXPECT_EQ(c.api_tokens[0].role, ApiToken::Role::Admin);
    EXPECT_EQ(c.api_tokens[1].name, "helpdesk_2");
    EXPECT_EQ(c.api_tokens[1].role, ApiToken::Role::Agent);  // the default
}

TEST(PeopleRules, EverythingIsOptional) {
    const LoadResult result = load(with_top(R"("log": {"level": "info"})"));
    ASSERT_THAT(result.errors, IsEmpty());
    EXPECT_THAT(result.config->agents, IsEmpty());
    EXPECT_THAT(result.config->admins, IsEmpty());
    EXPECT_THAT(result.config->api_tokens, IsEmpty());
    EXPECT_THAT(result.config->channels[0].agents, IsEmpty());
}

TEST(PeopleRules, EachBrokenRuleHasItsMessage) {
    expect_single_errors({
        {with_top(R"("agents": "zhangsan")"), "agents: must be an array of strings"},
        {with_top(R"("admins": {})"), "admins: must be an array of strings"},
        {with_top(R"("agents": ["a", 1])"), "agents[1]: must be a string"},
        {with_top(R"("admins": [""])"), "admins[0]: must not be empty"},
        {with_top(R"("agents": ["a\tb"])"), "agents[0]: must not contain control characters"},
        {with_top(R"("agents": ["a\u007f"])"), "agents[0]: must not contain control characters"},
        {with_top(R"("agents": ["a", "b", "a"])"),
         "agents[2]: \"a\" is already listed at agents[0]"},
        {with_channels(R"({"name": "m", "kind": "mp", "token": "t", "agents": ["x", "x"]})"),
         "channels[0].agents[1]: \"x\" is already listed at channels[0].agents[0]"},
        {with_channels(R"({"name": "m", "kind": "mp", "token": "t", "bot_names": ["x"]})"),
         "channels[0].bot_names: is only for an aibot channel"},
        {bot_channel(R"(, "bot_names": ["", "b"])"), "channels[0].bot_names[0]: must not be empty"},
        {bot_channel(R"(, "bot_names": "b")"),
         "channels[0].bot_names: must be an array of strings"},
        {bot_channel(R"(, "bot_name": ["b"])"), "channels[0].bot_name: unknown key"},
        {with_top(R"("api_tokens": {})"), "api_tokens: must be an array"},
        {tokens("1"), "api_tokens[0]: must be an object"},
        {tokens(token("ops", kTokenA, R"(, "scope": "all")")), "api_tokens[0].scope: unknown key"},
        {tokens(R"({"token": ")" + kTokenA + "\"}"), "api_tokens[0].name: is required"},
        {tokens(R"({"name": 7, "token": ")" + kTokenA + "\"}"),
         "api_tokens[0].name: must be a string"},
        {tokens(token("Ops", kTokenA)),
         "api_tokens[0].name: must match ^[a-z0-9_-]{1,63}$, got \"Ops\""},
        {tokens(token("", kTokenA)), "api_tokens[0].name: must match ^[a-z0-9_-]{1,63}$, got \"\""},
        {tokens(token("ops", kTokenA) + ", " + token("ops", kTokenB)),
         "api_tokens[1].name: \"ops\" is already used by api_tokens[0]"},
        {tokens(token("a-b", kTokenA) + ", " + token("a_b", kTokenB)),
         "api_tokens[1].name: \"a_b\" has the same environment variable "
         "GROUPDESK_API_TOKEN_A_B as api_tokens[0]"},
        {R"({"channels": [{"name": "api-token-x", "kind": "mp", "token": "t"}],
             "api_tokens": [)" +
             token("x_token", kTokenA) + "]}",
         "api_tokens[0].name: \"x_token\" gives the environment variable "
         "GROUPDESK_API_TOKEN_X_TOKEN, which is also channels[0].token's"},
        {tokens(R"({"name": "ops"})"),
         "api_tokens[0].token: is required (in the file or as GROUPDESK_API_TOKEN_OPS)"},
        {tokens(R"({"name": "ops", "token": 5})"), "api_tokens[0].token: must be a string"},
        {tokens(token("ops", std::string(31, 'x'))),
         "api_tokens[0].token: must be 32 to 256 characters, got 31"},
        {tokens(token("ops", std::string(257, 'x'))),
         "api_tokens[0].token: must be 32 to 256 characters, got 257"},
        {tokens(token("ops", kTokenA + " x")),
         "api_tokens[0].token: must be printable ASCII without whitespace"},
        {tokens(token("ops", kTokenA) + ", " + token("web", kTokenA)),
         "api_tokens[1].token: is the same as api_tokens[0].token"},
        {tokens(token("ops", kTokenA, R"(, "role": "root")")),
         "api_tokens[0].role: must be one of agent, admin, got \"root\""},
        {tokens(token("ops", kTokenA, R"(, "role": true)")),
         "api_tokens[0].role: must be a string"},
    });
}

TEST(PeopleRules, TokenFromTheEnvironmentFillsOrReplacesTheFile) {
    const LoadResult filled = load(tokens(R"({"name": "ops-console", "role": "admin"})"),
                                   fake_env({{"GROUPDESK_API_TOKEN_OPS_CONSOLE", kTokenB}}));
    ASSERT_THAT(filled.errors, IsEmpty());
    EXPECT_EQ(filled.config->api_tokens[0].token, kTokenB);

    const LoadResult replaced = load(tokens(token("ops-console", kTokenA)),
                                     fake_env({{"GROUPDESK_API_TOKEN_OPS_CONSOLE", kTokenB}}));
    ASSERT_THAT(replaced.errors, IsEmpty());
    EXPECT_EQ(replaced.config->api_tokens[0].token, kTokenB);

    // An empty variable counts as unset.
    const LoadResult kept = load(tokens(token("ops-console", kTokenA)),
                                 fake_env({{"GROUPDESK_API_TOKEN_OPS_CONSOLE", ""}}));
    ASSERT_THAT(kept.errors, IsEmpty());
    EXPECT_EQ(kept.config->api_tokens[0].token, kTokenA);
}

TEST(PeopleRules, AnOverriddenTokenIsCheckedAndItsVariableNamed) {
    const LoadResult result = load(
        tokens(token("ops", kTokenA) + R"(, {"name": "web"})"),
        fake_env({{"GROUPDESK_API_TOKEN_OPS", "short"}, {"GROUPDESK_API_TOKEN_WEB", kTokenA}}));
    EXPECT_THAT(result.errors,
                ElementsAre("test.json: api_tokens[0].token: must be 32 to 256 characters, got 5 "
                            "(from GROUPDESK_API_TOKEN_OPS)"));
    const LoadResult twice = load(tokens(token("ops", kTokenA) + R"(, {"name": "web"})"),
                                  fake_env({{"GROUPDESK_API_TOKEN_WEB", kTokenA}}));
    EXPECT_THAT(twice.errors, ElementsAre("test.json: api_tokens[1].token: is the same as "
                                          "api_tokens[0].token (from GROUPDESK_API_TOKEN_WEB)"));
}

TEST(PeopleRules, TokenValuesNeverAppearInErrors) {
    const std::string secret = "TopSecretApiTokenValue";  // 22: too short
    const std::string long_secret = "TopSecretApiTokenValueLongEnough123456";
    std::vector<std::string> errors;
    auto collect = [&errors](const LoadResult& r) {
        errors.insert(errors.end(), r.errors.begin(), r.errors.end());
    };
    collect(load(tokens(token("a", secret))));
    collect(load(tokens(token("a", long_secret + " "))));
    collect(load(tokens(token("a", long_secret) + ", " + token("b", long_secret))));
    collect(load(tokens(token("a", long_secret) + ", " + token("a", long_secret))));
    collect(load(tokens(token("a", long_secret, R"(, "token": ")" + long_secret + "\""))));
    collect(load(tokens(R"({"name": "a"})"), fake_env({{"GROUPDESK_API_TOKEN_A", secret}})));
    collect(load(R"({"api_tokens": [{"name": "a", "token": "TopSecretApiTokenValue\q"}]})"));
    ASSERT_GE(errors.size(), 7u);
    for (const std::string& error : errors) {
        EXPECT_THAT(error, Not(HasSubstr(secret)));
    }
}

}  // namespace
}  // namespace groupdesk::config
