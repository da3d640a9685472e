// Tests for the config loader: the shipped example, defaults, top-level rules, syntax errors
// and reading files.
#include "config/config_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/config/config_test_support.h"

namespace groupdesk::config {
namespace {

using test::expect_single_errors;
using test::kAppId;
using test::kBotKey;
using test::kBotToken;
using test::kCorpId;
using test::kGoodChannel;
using test::kMpKey;
using test::kMpToken;
using test::kWeComKey;
using test::kWeComToken;
using test::load;
using test::no_env;
using test::with_channels;
using test::with_top;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string kExamplePath = GROUPDESK_SOURCE_DIR "/config/groupdesk.example.json";

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

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
    EXPECT_THAT(c.agents, ElementsAre("zhangsan", "lisi"));
    EXPECT_THAT(c.admins, ElementsAre("wangwu"));
    ASSERT_EQ(c.api_tokens.size(), 1u);
    EXPECT_EQ(c.api_tokens[0].name, "ops-console");
    EXPECT_EQ(c.api_tokens[0].role, ApiToken::Role::Admin);
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
    EXPECT_EQ(c.callbacks.timestamp_window, std::chrono::hours(1));
    EXPECT_EQ(c.callbacks.answer_deadline, std::chrono::seconds(3));
    EXPECT_EQ(c.http.max_buffered_body_bytes, 64u * 1024 * 1024);
    EXPECT_EQ(c.dedup.retention, std::chrono::hours(72));
    EXPECT_EQ(c.dedup.sweep_interval, std::chrono::seconds(60));
    EXPECT_EQ(c.log.level, "info");
    EXPECT_EQ(c.channels[0].secret, "");
    EXPECT_FALSE(c.channels[0].accept_plaintext);
}

TEST(ConfigLoader, PartialSectionsKeepTheOtherDefaultsAndBoundsAreInclusive) {
    const LoadResult result = load(with_top(
        R"("listen": {"port": 0, "address": "::1"}, "http": {"max_body_bytes": 67108864,
           "max_buffered_body_bytes": 68719476736},
           "dedup": {"retention_hours": 8760, "sweep_interval_seconds": 1},
           "callbacks": {"timestamp_window_seconds": 60, "answer_deadline_ms": 100},
           "log": {"level": "trace"})"));
    ASSERT_THAT(result.errors, IsEmpty());
    const Config& c = *result.config;
    EXPECT_EQ(c.listen.port, 0);
    EXPECT_EQ(c.listen.address, "::1");
    EXPECT_EQ(c.http.max_body_bytes, 64u * 1024u * 1024u);
    EXPECT_EQ(c.http.max_buffered_body_bytes, 64ull * 1024 * 1024 * 1024);
    EXPECT_EQ(c.http.body_timeout, std::chrono::seconds(10));
    EXPECT_EQ(c.dedup.retention, std::chrono::hours(8760));
    EXPECT_EQ(c.dedup.sweep_interval, std::chrono::seconds(1));
    EXPECT_EQ(c.callbacks.timestamp_window, std::chrono::seconds(60));
    EXPECT_EQ(c.callbacks.answer_deadline, std::chrono::milliseconds(100));
    EXPECT_EQ(c.log.level, "trace");
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
        {with_top(R"("http": {"max_buffered_body_bytes": 1023})"),
         "http.max_buffered_body_bytes: must be between 1024 and 68719476736, got 1023"},
        {with_top(R"("http": {"max_buffered_body_bytes": 1048575})"),
         "http.max_buffered_body_bytes: must be at least http.max_body_bytes (1048576), got "
         "1048575"},
        {with_top(R"("http": {"max_body_bytes": 4096, "max_buffered_body_bytes": 4095})"),
         "http.max_buffered_body_bytes: must be at least http.max_body_bytes (4096), got 4095"},
        {with_top(R"("http": {"max_body": 1})"), "http.max_body: unknown key"},
        {with_top(R"("dedup": {"retention_hours": 0})"),
         "dedup.retention_hours: must be between 1 and 8760, got 0"},
        {with_top(R"("dedup": {"retention_hours": 8761})"),
         "dedup.retention_hours: must be between 1 and 8760, got 8761"},
        {with_top(R"("dedup": {"sweep_interval_seconds": 86401})"),
         "dedup.sweep_interval_seconds: must be between 1 and 86400, got 86401"},
        {with_top(R"("callbacks": {"timestamp_window_seconds": 59})"),
         "callbacks.timestamp_window_seconds: must be between 60 and 86400, got 59"},
        {with_top(R"("callbacks": {"answer_deadline_ms": 4501})"),
         "callbacks.answer_deadline_ms: must be between 100 and 4500, got 4501"},
        {with_top(R"("callbacks": {"window": 1})"), "callbacks.window: unknown key"},
        // A replay must find the record of the message it copies.
        {with_top(R"("dedup": {"retention_hours": 2})"),
         "dedup.retention_hours: must be longer than twice callbacks.timestamp_window_seconds, "
         "got 2 h against 3600 s"},
        {with_top(R"("dedup": {"retention_hours": 48},
                     "callbacks": {"timestamp_window_seconds": 86400})"),
         "dedup.retention_hours: must be longer than twice callbacks.timestamp_window_seconds, "
         "got 48 h against 86400 s"},
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

}  // namespace
}  // namespace groupdesk::config
