// Tests for secrets in the config loader: environment overrides, and secret values never
// appearing in an error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config_loader.h"
#include "tests/config/config_test_support.h"

namespace groupdesk::config {
namespace {

using test::key_of;
using test::kWeComKey;
using test::load;
using test::with_channels;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A fake environment; `asked` (if given) records every name looked up.
EnvLookup fake_env(std::map<std::string, std::string> vars,
                   std::vector<std::string>* asked = nullptr) {
    return [vars = std::move(vars), asked](const std::string& name) -> std::optional<std::string> {
        if (asked != nullptr) asked->push_back(name);
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

// The wecom demo channel with some fields left out, for the override tests.
std::string corp_app(const std::string& members) {
    return with_channels(R"({"name": "corp-app", "kind": "wecom", "receive_id": "ww1")" + members +
                         "}");
}

TEST(ConfigLoader, EnvOverridesFillAndReplaceSecrets) {
    std::vector<std::string> asked;
    const LoadResult result = load(corp_app(R"(, "token": "FileToken")"),
                                   fake_env({{"GROUPDESK_CORP_APP_TOKEN", "EnvToken"},
                                             {"GROUPDESK_CORP_APP_ENCODING_AES_KEY", kWeComKey},
                                             {"GROUPDESK_CORP_APP_SECRET", "EnvSecret"}},
                                            &asked));
    ASSERT_THAT(result.errors, IsEmpty());
    const Channel& c = result.config->channels[0];
    EXPECT_EQ(c.token, "EnvToken");            // replaced
    EXPECT_EQ(c.encoding_aes_key, kWeComKey);  // filled
    EXPECT_EQ(c.secret, "EnvSecret");          // filled
    // The reply window's alert webhook key is the one secret outside channels and api_tokens.
    EXPECT_THAT(asked,
                ElementsAre("GROUPDESK_REPLY_WINDOW_WEBHOOK_KEY", "GROUPDESK_CORP_APP_TOKEN",
                            "GROUPDESK_CORP_APP_ENCODING_AES_KEY", "GROUPDESK_CORP_APP_SECRET"));
}

TEST(ConfigLoader, EnvOverrideReplacesAFileSecretAndEmptyVariablesAreIgnored) {
    const std::string file = R"(, "token": "FileToken", "secret": "FileSecret", )"
                             R"("encoding_aes_key": ")" +
                             key_of('f') + "\"";
    const LoadResult result =
        load(corp_app(file),
             fake_env({{"GROUPDESK_CORP_APP_SECRET", "New"}, {"GROUPDESK_CORP_APP_TOKEN", ""}}));
    ASSERT_THAT(result.errors, IsEmpty());
    EXPECT_EQ(result.config->channels[0].secret, "New");
    EXPECT_EQ(result.config->channels[0].token, "FileToken");
    EXPECT_EQ(result.config->channels[0].encoding_aes_key, key_of('f'));
    // Overrides belong to one channel only, and a missing lookup function means no overrides.
    EXPECT_THAT(load(corp_app(file), fake_env({{"GROUPDESK_OTHER_SECRET", "x"}}))
                    .config->channels[0]
                    .secret,
                "FileSecret");
    EXPECT_THAT(load(corp_app(file), EnvLookup{}).errors, IsEmpty());
}

TEST(ConfigLoader, AnOverriddenValueIsCheckedAndNamedButNeverShown) {
    const std::string bad_key = "SecretKeyValue42chars" + std::string(21, 'x');
    const LoadResult result =
        load(corp_app(""), fake_env({{"GROUPDESK_CORP_APP_TOKEN", "Secret Token Value"},
                                     {"GROUPDESK_CORP_APP_ENCODING_AES_KEY", bad_key}}));
    EXPECT_THAT(result.errors,
                ElementsAre("test.json: channels[0].token: must be printable ASCII without "
                            "whitespace (from GROUPDESK_CORP_APP_TOKEN)",
                            "test.json: channels[0].encoding_aes_key: must be 43 characters, got "
                            "42 (from GROUPDESK_CORP_APP_ENCODING_AES_KEY)"));
}

TEST(ConfigLoader, SecretValuesNeverAppearInErrors) {
    const std::vector<std::string> secrets = {"TopSecretTokenValue", "TopSecretKeyValue",
                                              "TopSecretAppSecret", "EnvSecretValue"};
    std::vector<std::string> errors;
    auto collect = [&errors](const LoadResult& r) {
        errors.insert(errors.end(), r.errors.begin(), r.errors.end());
    };
    // Wrong length, wrong characters, wrong type, an unknown key next to them, a duplicate.
    collect(load(with_channels(R"({"name": "a", "kind": "wecom", "token": "TopSecretTokenValue ",
        "encoding_aes_key": "TopSecretKeyValue", "secret": "TopSecretAppSecret", "x": 1})")));
    collect(load(with_channels(R"({"name": "a", "kind": "aibot", "token": "TopSecretTokenValue",
        "token": "TopSecretTokenValue",
        "encoding_aes_key": "TopSecretKeyValue++++++++++++++++++++++++++"})")));
    collect(load(corp_app(R"(, "token": ["TopSecretTokenValue"])"),
                 fake_env({{"GROUPDESK_CORP_APP_ENCODING_AES_KEY", "EnvSecretValue"},
                           {"GROUPDESK_CORP_APP_SECRET", "EnvSecretValue"}})));
    // A syntax error inside a secret string: the parser's "last read" text must not leak.
    collect(load(R"({"channels": [{"token": "TopSecretTokenValue\q"}]})"));
    collect(load("{\"channels\": [{\"secret\": \"TopSecretAppSecret\n\"}]}"));
    ASSERT_GE(errors.size(), 8u);
    for (const std::string& error : errors) {
        for (const std::string& secret : secrets) EXPECT_THAT(error, Not(HasSubstr(secret)));
    }
}

TEST(ConfigLoader, ProcessEnvironmentReadsGetenv) {
    const EnvLookup env = process_environment();
    EXPECT_EQ(env("GROUPDESK_SURELY_UNSET_VARIABLE_FOR_TEST"), std::nullopt);
    const char* path = std::getenv("PATH");
    EXPECT_EQ(env("PATH"), path == nullptr ? std::nullopt : std::optional<std::string>(path));
}

}  // namespace
}  // namespace groupdesk::config
