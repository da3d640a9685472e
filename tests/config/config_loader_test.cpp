// Tests for the config loader: the shipped example, defaults, every validation rule, env overrides.
#include "config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace groupdesk::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kExamplePath = GROUPDESK_SOURCE_DIR "/config/groupdesk.example.json";

// The demo channel values of the "channels" section of tests/data/vectors.json.
constexpr const char* kWeComToken = "GroupDeskWeComToken2026";
constexpr const char* kWeComKey = "lKRAqMwOrg1RbhWggwIFK0PAQ479hMozW3haoCZqB8E";
constexpr const char* kCorpId = "ww3f8a2b1c4d5e6f70";
constexpr const char* kMpToken = "GroupDeskMpToken2026";
constexpr const char* kMpKey = "3nVrx2zzilnhlUG6WX3yAQeuVrTJTdSZaDMfgq9gOOk";
constexpr const char* kAppId = "wx8b2c4d6e8f0a1b3c";
constexpr const char* kBotToken = "GroupDeskBotToken2026";
constexpr const char* kBotKey = "NNjFicuyDfOU7ZsVwORSCvVE3KuLtbAbzG71yDjDFKM";

// A valid wecom channel, for documents that test something else.
const std::string kGoodChannel =
    R"({"name": "corp-app", "kind": "wecom", "token": "tok", "receive_id": "ww1",
        "encoding_aes_key": "lKRAqMwOrg1RbhWggwIFK0PAQ479hMozW3haoCZqB8E"})";

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

EnvLookup no_env() {
    return [](const std::string&) { return std::optional<std::string>(); };
}

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

LoadResult load(const std::string& text, const EnvLookup& env = no_env()) {
    return load_config_text(text, "test.json", env);
}

// A document with these extra top-level members and one good channel.
std::string with_top(const std::string& members) {
    return "{" + members + ", \"channels\": [" + kGoodChannel + "]}";
}

// A document with only these channels.
std::string with_channels(const std::string& channels) {
    return "{\"channels\": [" + channels + "]}";
}

std::string key_of(char c, std::size_t n = 43) { return std::string(n, c); }

void expect_example(const LoadResult& result, const std::string& source) {
    ASSERT_THAT(result.errors, IsEmpty());
    ASSERT_TRUE(result.config.has_value());
    const Config& c = *result.config;
    EXPECT_EQ(c.source, source);
    EXPECT_EQ(c.listen.address, "127.0.0.1");
    EXPECT_EQ(c.listen.port, 8080);
    EXPECT_EQ(c.listen.threads, 0u);
    EXPECT_EQ(c.database, "groupdesk.db");
    EXPECT_EQ(c.http.max_body_bytes, 1048576u);
    EXPECT_EQ(c.http.header_timeout, std::chrono::seconds(10));
    EXPECT_EQ(c.http.idle_timeout, std::chrono::seconds(60));
    EXPECT_EQ(c.dedup.retention, std::chrono::hours(72));
    EXPECT_EQ(c.log.level, "info");
    ASSERT_EQ(c.channels.size(), 3u);

    const Channel* wecom = c.find_channel("corp-app");
    ASSERT_NE(wecom, nullptr);
    EXPECT_EQ(wecom->kind, ChannelKind::WeCom);
    EXPECT_EQ(wecom->token, kWeComToken);
    EXPECT_EQ(wecom->encoding_aes_key, kWeComKey);
    EXPECT_EQ(wecom->receive_id, kCorpId);

    const Channel* mp = c.find_channel("service-account");
    ASSERT_NE(mp, nullptr);
    EXPECT_EQ(mp->kind, ChannelKind::Mp);
    EXPECT_EQ(mp->token, kMpToken);
    EXPECT_EQ(mp->encoding_aes_key, kMpKey);
    EXPECT_EQ(mp->receive_id, kAppId);
    EXPECT_TRUE(mp->encrypted());

    const Channel* bot = c.find_channel("group-bot");
    ASSERT_NE(bot, nullptr);
    EXPECT_EQ(bot->kind, ChannelKind::AiBot);
    EXPECT_EQ(bot->token, kBotToken);
    EXPECT_EQ(bot->encoding_aes_key, kBotKey);
    EXPECT_EQ(bot->receive_id, "");
}

TEST(ConfigLoader, ExampleFileLoads) {
    expect_example(load_config_file(kExamplePath, no_env()), kExamplePath);
}

TEST(ConfigLoader, EmbeddedDefaultIsTheExampleAndLoads) {
    EXPECT_EQ(embedded_default_config(), read_text(kExamplePath));
    expect_example(load_config_text(embedded_default_config(), "<embedded>", no_env()),
                   "<embedded>");
}

TEST(ConfigLoader, DemoValuesAreThoseOfTheTestVectors) {
    const std::string vectors = read_text(GROUPDESK_TEST_DATA_DIR "/vectors.json");
    for (const char* value :
         {kWeComToken, kWeComKey, kCorpId, kMpToken, kMpKey, kAppId, kBotToken, kBotKey}) {
        EXPECT_THAT(vectors, HasSubstr('"' + std::string(value) + '"')) << value;
    }
}

TEST(ConfigLoader, DefaultsApplyWhenSectionsAreAbsent) {
    const LoadResult result = load(with_channels(kGoodChannel));
    ASSERT_THAT(result.errors, IsEmpty());
    const Config& c = *result.config;
    const Config defaults;
    EXPECT_EQ(c.listen.address, defaults.listen.address);
    EXPECT_EQ(c.listen.port, 8080);
    EXPECT_EQ(c.listen.threads, 0u);
    EXPECT_EQ(c.database, "groupdesk.db");
    EXPECT_EQ(c.http.max_body_bytes, 1024u * 1024u);
    EXPECT_EQ(c.http.header_timeout, std::chrono::seconds(10));
    EXPECT_EQ(c.http.body_timeout, std::chrono::seconds(10));
    EXPECT_EQ(c.http.idle_timeout, std::chrono::seconds(60));
    EXPECT_EQ(c.http.max_connections, 10000u);
    EXPECT_EQ(c.dedup.retention, std::chrono::hours(72));
    EXPECT_EQ(c.dedup.sweep_interval, std::chrono::seconds(60));
    EXPECT_EQ(c.log.level, "info");
    EXPECT_EQ(c.channels[0].secret, "");
}

TEST(ConfigLoader, PartialSectionsKeepTheOtherDefaultsAndBoundsAreInclusive) {
    const LoadResult result = load(with_top(
        R"("listen": {"port": 0, "address": "::1"}, "http": {"max_body_bytes": 67108864},
           "dedup": {"retention_hours": 8760, "sweep_interval_seconds": 1},
           "log": {"level": "trace"})"));
    ASSERT_THAT(result.errors, IsEmpty());
    const Config& c = *result.config;
    EXPECT_EQ(c.listen.port, 0);
    EXPECT_EQ(c.listen.address, "::1");
    EXPECT_EQ(c.http.max_body_bytes, 64u * 1024u * 1024u);
    EXPECT_EQ(c.http.body_timeout, std::chrono::seconds(10));
    EXPECT_EQ(c.dedup.retention, std::chrono::hours(8760));
    EXPECT_EQ(c.dedup.sweep_interval, std::chrono::seconds(1));
    EXPECT_EQ(c.log.level, "trace");
}

TEST(ConfigLoader, PlaintextMpChannelNeedsNoKeyNorReceiveId) {
    const LoadResult result = load(with_channels(
        R"({"name": "oa", "kind": "mp", "token": "t"},
           {"name": "oa2", "kind": "mp", "token": "t", "encoding_aes_key": "", "receive_id": "wx1"},
           {"name": "bot", "kind": "aibot", "token": "t", "receive_id": "",
            "encoding_aes_key": ")" +
        key_of('b') + R"("},
           {"name": "a_b-9", "kind": "wecom", "token": "t", "receive_id": "ww1", "secret": "s",
            "encoding_aes_key": ")" +
        key_of('c') + R"("})"));
    ASSERT_THAT(result.errors, IsEmpty());
    const Config& c = *result.config;
    EXPECT_FALSE(c.channels[0].encrypted());
    EXPECT_FALSE(c.channels[1].encrypted());
    EXPECT_EQ(c.channels[1].receive_id, "wx1");
    EXPECT_TRUE(c.channels[2].encrypted());
    EXPECT_EQ(c.channels[3].secret, "s");
}

// One rule broken per document; the loader must report exactly this message.
struct Case {
    std::string json;
    std::string error;  // without the "test.json: " prefix
};

void expect_single_errors(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
        SCOPED_TRACE(c.json);
        const LoadResult result = load(c.json);
        EXPECT_THAT(result.errors, ElementsAre("test.json: " + c.error));
        EXPECT_FALSE(result.config.has_value());
    }
}

TEST(ConfigLoader, TopLevelRules) {
    expect_single_errors({
        {with_top(R"("listen": {"port": "80"})"), "listen.port: must be an integer"},
        {with_top(R"("listen": {"port": 80.0})"), "listen.port: must be an integer"},
        {with_top(R"("listen": {"port": 65536})"),
         "listen.port: must be between 0 and 65535, got 65536"},
        {with_top(R"("listen": {"port": -1})"), "listen.port: must be between 0 and 65535, got -1"},
        {with_top(R"("listen": {"port": 18446744073709551615})"),
         "listen.port: must be between 0 and 65535, got 18446744073709551615"},
        {with_top(R"("listen": {"threads": 257})"),
         "listen.threads: must be between 0 and 256, got 257"},
        {with_top(R"("listen": {"address": "localhost"})"),
         "listen.address: must be an IPv4 or IPv6 address, got \"localhost\""},
        {with_top(R"("listen": {"address": 1})"), "listen.address: must be a string"},
        {with_top(R"("listen": [])"), "listen: must be an object"},
        {with_top(R"("listen": {"prot": 80})"), "listen.prot: unknown key"},
        {with_top(R"("database": "")"), "database: must not be empty"},
        {with_top(R"("database": null)"), "database: must be a string"},
        {with_top(R"("http": {"max_body_bytes": 1023})"),
         "http.max_body_bytes: must be between 1024 and 67108864, got 1023"},
        {with_top(R"("http": {"max_body_bytes": 67108865})"),
         "http.max_body_bytes: must be between 1024 and 67108864, got 67108865"},
        {with_top(R"("http": {"header_timeout_seconds": 0})"),
         "http.header_timeout_seconds: must be between 1 and 3600, got 0"},
        {with_top(R"("http": {"body_timeout_seconds": 3601})"),
         "http.body_timeout_seconds: must be between 1 and 3600, got 3601"},
        {with_top(R"("http": {"idle_timeout_seconds": true})"),
         "http.idle_timeout_seconds: must be an integer"},
        {with_top(R"("http": {"max_connections": 0})"),
         "http.max_connections: must be between 1 and 1000000, got 0"},
        {with_top(R"("http": {"max_connections": 1000001})"),
         "http.max_connections: must be between 1 and 1000000, got 1000001"},
        {with_top(R"("http": {"max_body": 1})"), "http.max_body: unknown key"},
        {with_top(R"("dedup": {"retention_hours": 0})"),
         "dedup.retention_hours: must be between 1 and 8760, got 0"},
        {with_top(R"("dedup": {"retention_hours": 8761})"),
         "dedup.retention_hours: must be between 1 and 8760, got 8761"},
        {with_top(R"("dedup": {"sweep_interval_seconds": 86401})"),
         "dedup.sweep_interval_seconds: must be between 1 and 86400, got 86401"},
        {with_top(R"("log": {"level": "verbose"})"),
         "log.level: must be one of trace, debug, info, warn, error, got \"verbose\""},
        {with_top(R"("log": {"level": 3})"), "log.level: must be a string"},
        {with_top(R"("log": {"file": "x"})"), "log.file: unknown key"},
        {with_top(R"("listn": {})"), "listn: unknown key"},
        {R"({"listen": {}})", "channels: is required"},
        {R"({"channels": {}})", "channels: must be an array"},
        {R"({"channels": []})", "channels: at least one channel is required"},
        {R"({"channels": [1]})", "channels[0]: must be an object"},
        {with_top(R"("database": "a.db", "database": "b.db")"), "database: duplicate key"},
    });
}

TEST(ConfigLoader, ChannelRules) {
    const std::string key = key_of('k');
    auto ch = [&key](const std::string& members) {
        return with_channels(R"({"token": "t", )" + members + "}");
    };
    const std::string wecom = R"("name": "w", "kind": "wecom", )";
    const std::string with_key = R"("encoding_aes_key": ")" + key + R"(", )";
    expect_single_errors({
        {ch(R"("name": "b", "kind": "aibot", )" + with_key + R"("name2": "x")"),
         "channels[0].name2: unknown key"},
        {ch(R"("kind": "mp")"), "channels[0].name: is required"},
        {ch(R"("name": 7, "kind": "mp")"), "channels[0].name: must be a string"},
        {ch(R"("name": "Corp", "kind": "mp")"),
         "channels[0].name: must match ^[a-z0-9][a-z0-9_-]{0,62}$, got \"Corp\""},
        {ch(R"("name": "-a", "kind": "mp")"),
         "channels[0].name: must match ^[a-z0-9][a-z0-9_-]{0,62}$, got \"-a\""},
        {ch(R"("name": "a/b", "kind": "mp")"),
         "channels[0].name: must match ^[a-z0-9][a-z0-9_-]{0,62}$, got \"a/b\""},
        {ch(R"("name": ")" + std::string(64, 'a') + R"(", "kind": "mp")"),
         "channels[0].name: must match ^[a-z0-9][a-z0-9_-]{0,62}$, got \"" + std::string(64, 'a') +
             "\""},
        {with_channels(R"({"name": "a-b", "kind": "mp", "token": "t"},
                          {"name": "a-b", "kind": "mp", "token": "t"})"),
         "channels[1].name: \"a-b\" is already used by channels[0]"},
        {with_channels(R"({"name": "a-b", "kind": "mp", "token": "t"},
                          {"name": "a_b", "kind": "mp", "token": "t"})"),
         "channels[1].name: \"a_b\" has the same environment prefix GROUPDESK_A_B_ as channels[0]"},
        {ch(R"("name": "m")"), "channels[0].kind: is required"},
        {ch(R"("name": "m", "kind": "wxwork")"),
         "channels[0].kind: must be one of wecom, mp, aibot, got \"wxwork\""},
        {with_channels(R"({"name": "m", "kind": "mp"})"),
         "channels[0].token: is required (in the file or as GROUPDESK_M_TOKEN)"},
        {with_channels(R"({"name": "m", "kind": "mp", "token": 5})"),
         "channels[0].token: must be a string"},
        {with_channels(R"({"name": "m", "kind": "mp", "token": ""})"),
         "channels[0].token: must be 1 to 128 characters, got 0"},
        {with_channels(R"({"name": "m", "kind": "mp", "token": ")" + std::string(129, 't') + "\"}"),
         "channels[0].token: must be 1 to 128 characters, got 129"},
        {with_channels(R"({"name": "m", "kind": "mp", "token": "a b"})"),
         "channels[0].token: must be printable ASCII without whitespace"},
        {with_channels(R"({"name": "m", "kind": "mp", "token": "tök"})"),
         "channels[0].token: must be printable ASCII without whitespace"},
        {ch(wecom + R"("receive_id": "ww1")"),
         "channels[0].encoding_aes_key: is required for kind wecom (in the file or as "
         "GROUPDESK_W_ENCODING_AES_KEY)"},
        {ch(R"("name": "b", "kind": "aibot")"),
         "channels[0].encoding_aes_key: is required for kind aibot (in the file or as "
         "GROUPDESK_B_ENCODING_AES_KEY)"},
        {ch(wecom + R"("receive_id": "ww1", "encoding_aes_key": ")" + key_of('k', 42) + "\""),
         "channels[0].encoding_aes_key: must be 43 characters, got 42"},
        {ch(wecom + R"("receive_id": "ww1", "encoding_aes_key": "")"),
         "channels[0].encoding_aes_key: must be 43 characters, got 0"},
        {ch(wecom + R"("receive_id": "ww1", "encoding_aes_key": ")" + key_of('k', 42) + "+\""),
         "channels[0].encoding_aes_key: must contain only A-Z, a-z and 0-9"},
        {ch(R"("name": "m", "kind": "mp", "encoding_aes_key": 43)"),
         "channels[0].encoding_aes_key: must be a string"},
        {ch(wecom + with_key + R"("secret": "s")"),
         "channels[0].receive_id: is required for kind wecom"},
        {ch(wecom + with_key + R"("receive_id": "")"),
         "channels[0].receive_id: must not be empty for kind wecom"},
        {ch(wecom + with_key + R"("receive_id": "ww 1")"),
         "channels[0].receive_id: must be printable ASCII without whitespace"},
        {ch(wecom + with_key + R"("receive_id": 1)"), "channels[0].receive_id: must be a string"},
        {ch(R"("name": "m", "kind": "mp", )" + with_key + R"("secret": "s")"),
         "channels[0].receive_id: is required when encoding_aes_key is set"},
        {ch(R"("name": "m", "kind": "mp", )" + with_key + R"("receive_id": "")"),
         "channels[0].receive_id: must not be empty when encoding_aes_key is set"},
        {ch(R"("name": "b", "kind": "aibot", )" + with_key + R"("receive_id": "ww1")"),
         "channels[0].receive_id: must be absent or \"\": the AI bot's receive id is always "
         "empty"},
        {ch(R"("name": "m", "kind": "mp", "secret": 1)"), "channels[0].secret: must be a string"},
        {ch(R"("name": "m", "kind": "mp", "token": "u")"), "channels[0].token: duplicate key"},
    });
}

TEST(ConfigLoader, ReportsEveryErrorNotJustTheFirst) {
    const LoadResult result = load(R"({
        "listen": {"port": 99999, "adress": "0.0.0.0"},
        "log": {"level": "loud"},
        "extra": 1,
        "channels": [
            {"name": "ok", "kind": "mp", "token": "t"},
            {"name": "w", "kind": "wecom", "token": "t", "receive_id": "ww1",
             "encoding_aes_key": "abc"},
            {"name": "Bad Name", "kind": "aibot", "token": "t", "receive_id": "x",
             "encoding_aes_key": "NNjFicuyDfOU7ZsVwORSCvVE3KuLtbAbzG71yDjDFKM"}
        ]})");
    EXPECT_FALSE(result.config.has_value());
    EXPECT_THAT(
        result.errors,
        ElementsAre(
            "test.json: extra: unknown key", "test.json: listen.adress: unknown key",
            "test.json: listen.port: must be between 0 and 65535, got 99999",
            "test.json: log.level: must be one of trace, debug, info, warn, error, got \"loud\"",
            "test.json: channels[1].encoding_aes_key: must be 43 characters, got 3",
            "test.json: channels[2].name: must match ^[a-z0-9][a-z0-9_-]{0,62}$, got \"Bad Name\"",
            "test.json: channels[2].receive_id: must be absent or \"\": the AI bot's receive id "
            "is always empty"));
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
    EXPECT_THAT(asked,
                ElementsAre("GROUPDESK_CORP_APP_TOKEN", "GROUPDESK_CORP_APP_ENCODING_AES_KEY",
                            "GROUPDESK_CORP_APP_SECRET"));
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

TEST(ConfigLoader, SyntaxErrorsReportLineAndColumn) {
    EXPECT_THAT(load("{\n  \"listen\": {\"port\": 80,}\n}").errors,
                ElementsAre("test.json: line 2, column 25: syntax error while parsing object key "
                            "- unexpected '}'; expected string literal"));
    EXPECT_THAT(load("{\n\"channels\": [\n").errors,
                ElementsAre("test.json: line 3, column 1: syntax error while parsing value - "
                            "unexpected end of input; expected '[', '{', or a literal"));
    EXPECT_THAT(load("{\"a\": tru}").errors,
                ElementsAre("test.json: line 1, column 10: syntax error while parsing value - "
                            "invalid literal"));
    EXPECT_THAT(load("[1, 2]").errors, ElementsAre("test.json: top level: must be a JSON object"));
}

class ConfigFile : public ::testing::Test {
protected:
    void TearDown() override { std::filesystem::remove(path_); }
    void write(const std::string& text) { std::ofstream(path_, std::ios::binary) << text; }
    const std::string path_ = (std::filesystem::temp_directory_path() /
                               ("groupdesk_config_test_" + std::to_string(::getpid()) + ".json"))
                                  .string();
};

TEST_F(ConfigFile, ErrorsNameTheFileAsGiven) {
    write(with_top(R"("log": {"level": "loud"})"));
    EXPECT_THAT(load_config_file(path_, no_env()).errors,
                ElementsAre(path_ + ": log.level: must be one of trace, debug, info, warn, error, "
                                    "got \"loud\""));
    write(with_channels(kGoodChannel));
    const LoadResult result = load_config_file(path_, no_env());
    ASSERT_THAT(result.errors, IsEmpty());
    EXPECT_EQ(result.config->source, path_);
}

TEST_F(ConfigFile, UnreadableFile) {
    EXPECT_THAT(load_config_file(path_, no_env()).errors,
                ElementsAre(path_ + ": cannot read: No such file or directory"));
    const std::string dir = std::filesystem::temp_directory_path().string();
    EXPECT_THAT(load_config_file(dir, no_env()).errors,
                ElementsAre(dir + ": cannot read: Is a directory"));
}

TEST(ConfigLoader, ProcessEnvironmentReadsGetenv) {
    const EnvLookup env = process_environment();
    EXPECT_EQ(env("GROUPDESK_SURELY_UNSET_VARIABLE_FOR_TEST"), std::nullopt);
    const char* path = std::getenv("PATH");
    EXPECT_EQ(env("PATH"), path == nullptr ? std::nullopt : std::optional<std::string>(path));
}

}  // namespace
}  // namespace groupdesk::config
