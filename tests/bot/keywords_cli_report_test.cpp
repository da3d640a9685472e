// `groupdesk keywords` against a fake HTTP client, the reading verbs and the edges: test,
// history, restore and import-mp, the usage, token and transport errors, and --help.
#include "tests/bot/keywords_cli_test_support.h"

namespace groupdesk::bot::cli {
namespace {

using namespace testing;
using Json = nlohmann::json;
using wecom::HttpMethod;

TEST_F(KeywordsCliTest, TestPrintsTheAnswerItsReplyAndWhyTheOthersDoNot) {
    Json answer = rule(3, "请提供订单号");
    http.answer(200, Json{{"normalized", "我想退款"},
                          {"answer", answer},
                          {"by_default", false},
                          {"candidates",
                           {{{"id", 3},
                             {"match_type", "contains"},
                             {"priority", 5},
                             {"answers", true},
                             {"why_not", nullptr}},
                            {{"id", 9},
                             {"match_type", "regex"},
                             {"priority", 0},
                             {"answers", false},
                             {"why_not", "lower_priority"}},
                            {{"id", 11},
                             {"match_type", "exact"},
                             {"priority", 9},
                             {"answers", false},
                             {"why_not", "out_of_scope"}}}}}
                         .dump());
    const CliRun r = run({"test", "我想退款", "--channel", "corp-app", "--chat", "wrChat1"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(only_call().url, "http://127.0.0.1:8080/api/v1/keywords/test");
    EXPECT_EQ(Json::parse(only_call().body),
              (Json{{"text", "我想退款"}, {"channel", "corp-app"}, {"chat", "wrChat1"}}));
    EXPECT_EQ(r.out,
              "normalized: 我想退款\n"
              "answered by rule 3 (keyword, contains, priority 5)\n"
              "reply: 请提供订单号\n"
              "other candidates:\n"
              "  rule 9 (regex, priority 0): lower_priority\n"
              "  rule 11 (exact, priority 9): out_of_scope\n");
}

TEST_F(KeywordsCliTest, TestSaysWhyNoneAnswers) {
    http.answer(200, R"({"normalized":"hello","answer":null,"by_default":false,
                         "why_none":"no rule's keywords match","candidates":[]})");
    const CliRun r = run({"test", "--", "-hello"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(Json::parse(only_call().body), (Json{{"text", "-hello"}}));
    EXPECT_EQ(r.out, "normalized: hello\nno answer: no rule's keywords match\n");
}

TEST_F(KeywordsCliTest, HistoryNamesTheFieldsEachUpdateChanged) {
    Json v1 = rule(3, "old");
    Json v2 = v1;
    v2["reply"] = "new";
    v2["priority"] = 9;
    v2["version"] = 2;
    http.answer(200, Json{{"versions",
                           {{{"version", 1},
                             {"op", "create"},
                             {"actor", "api:ops"},
                             {"at", "2026-12-02T01:10:08Z"},
                             {"before", nullptr},
                             {"after", v1}},
                            {{"version", 2},
                             {"op", "update"},
                             {"actor", "wecom:zhangsan"},
                             {"at", "2026-12-02T02:00:00Z"},
                             {"before", v1},
                             {"after", v2}},
                            {{"version", 3},
                             {"op", "delete"},
                             {"actor", "api:ops"},
                             {"at", "2026-12-02T03:00:00Z"},
                             {"before", v2},
                             {"after", nullptr}}}}}
                         .dump());
    const CliRun r = run({"history", "3"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(only_call().url, "http://127.0.0.1:8080/api/v1/keywords/3/history");
    EXPECT_NE(r.out.find("1        create  api:ops"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("退款, refund => old"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("changed priority, reply"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("deleted"), std::string::npos) << r.out;
}

TEST_F(KeywordsCliTest, RestorePostsTheVersion) {
    http.answer(200, rule(3, "old").dump());
    const CliRun r = run({"restore", "3", "1"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(only_call().method, HttpMethod::Post);
    EXPECT_EQ(only_call().url, "http://127.0.0.1:8080/api/v1/keywords/3/restore");
    EXPECT_EQ(Json::parse(only_call().body), (Json{{"version", 1}}));
    EXPECT_NE(r.out.find("restored rule 3"), std::string::npos) << r.out;
}

TEST_F(KeywordsCliTest, ImportMpSendsTheChannelAndTheSavedAnswerAndPrintsWhatWasSkipped) {
    const std::string answer =
        R"({"imported":3,"created":2,"updated":1,)"
        R"("skipped":[{"rule_name":"autoreply-image","reason":"image replies expire"}]})";
    http.answer(200, answer);
    CliRun r = run({"import-mp", "--channel", "service-account"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(only_call().url, "http://127.0.0.1:8080/api/v1/keywords/import-mp");
    EXPECT_EQ(Json::parse(only_call().body), (Json{{"channel", "service-account"}}));
    EXPECT_EQ(r.out,
              "imported 3 rules: 2 created, 1 updated\n"
              "skipped autoreply-image: image replies expire\n");

    test::TempDir dir("groupdesk-kwcli-");
    const std::string path = dir.file("autoreply.json");
    const Json saved = {{"is_add_friend_reply_open", 1}, {"is_autoreply_open", 1}};
    std::ofstream(path) << saved.dump();
    http.answer(200, answer);
    r = run({"import-mp", "--channel", "service-account", "--file", path, "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(Json::parse(http.calls.back().body),
              (Json{{"channel", "service-account"}, {"answer", saved}}));
    EXPECT_EQ(r.out, answer + "\n");
}

TEST_F(KeywordsCliTest, AMissingTokenIsAUsageErrorThatSaysWhichVariable) {
    env.erase("GROUPDESK_API_TOKEN");
    const CliRun r = run({"list"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err,
              "groupdesk keywords: GROUPDESK_API_TOKEN is not set; export an admin token from the "
              "server's api_tokens\n");
    EXPECT_TRUE(http.calls.empty());
}

TEST_F(KeywordsCliTest, AnUnreachableServerExitsWith3) {
    http.fail("Failed to connect to 127.0.0.1 port 8080: Connection refused");
    const CliRun r = run({"list"});
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(r.err,
              "groupdesk keywords: cannot reach the server at http://127.0.0.1:8080: Failed to "
              "connect to 127.0.0.1 port 8080: Connection refused\n");
}

TEST_F(KeywordsCliTest, ARefusedTokenSaysSoAndNeverShowsIt) {
    http.answer(401, R"({"error":{"code":"unauthenticated","message":"not a valid API token"}})");
    const CliRun r = run({"list"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err,
              "groupdesk keywords: the server refused (HTTP 401): not a valid API token; check "
              "GROUPDESK_API_TOKEN\n");
}

TEST_F(KeywordsCliTest, AnAnswerThatIsNotJsonIsShownShort) {
    http.answer(502, "<html>Bad Gateway</html>");
    const CliRun r = run({"rm", "4"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err,
              "groupdesk keywords: the server refused (HTTP 502): <html>Bad Gateway</html>\n");
}

class KeywordsCliHelpTest : public KeywordsCliTest,
                            public ::testing::WithParamInterface<const char*> {};

TEST_P(KeywordsCliHelpTest, HelpPrintsTheVerbsUsageWithoutAToken) {
    env.clear();
    for (const char* flag : {"--help", "-h"}) {
        const CliRun r = run({GetParam(), flag});
        EXPECT_EQ(r.code, 0) << r.err;
        EXPECT_EQ(r.out.rfind(std::string("usage: groupdesk keywords ") + GetParam() + " ", 0), 0u)
            << r.out;
        EXPECT_TRUE(r.err.empty()) << r.err;
    }
    EXPECT_TRUE(http.calls.empty());
}

INSTANTIATE_TEST_SUITE_P(EveryVerb, KeywordsCliHelpTest,
                         ::testing::Values("list", "add", "update", "rm", "export", "import",
                                           "test", "history", "restore", "import-mp"),
                         [](const auto& info) {
                             std::string name = info.param;
                             std::erase(name, '-');
                             return name;
                         });

TEST_F(KeywordsCliTest, HelpOfKeywordsListsEveryVerbAndNoVerbIsAUsageError) {
    CliRun r = run({"--help"});
    EXPECT_EQ(r.code, 0);
    for (const char* verb : {"list", "add", "update ID", "rm ID", "export", "import FILE",
                             "test TEXT", "history ID", "restore ID VERSION", "import-mp"}) {
        EXPECT_NE(r.out.find(std::string("  ") + verb), std::string::npos) << verb;
    }
    EXPECT_NE(r.out.find("GROUPDESK_API_TOKEN"), std::string::npos);
    r = run({});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("usage: groupdesk keywords VERB"), std::string::npos);
}

TEST(KeywordsOutput, CutsAtCharactersAndCountsWideOnesTwice) {
    EXPECT_EQ(display_width("退款abc"), 7u);
    EXPECT_EQ(fit_width("退款请提供订单号", 7), "退款请…");
    EXPECT_EQ(fit_width("退款请提供订单号", 8), "退款请…");
    EXPECT_EQ(fit_width("line one\nline two", 40), "line one line two");
    EXPECT_EQ(fit_width("short", 5), "short");
}

}  // namespace
}  // namespace groupdesk::bot::cli
