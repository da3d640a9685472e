// `groupdesk keywords` against a fake HTTP client: the exact request of each verb, the tables and
// reports, --json, refusals with every problem, and the usage, token and transport errors.
#include "bot/cli/keywords_cli.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bot/cli/keywords_output.h"
#include "tests/support/temp_dir.h"

namespace groupdesk::bot::cli {
namespace {

using Json = nlohmann::json;
using wecom::HttpMethod;

constexpr const char* kToken = "admin-secret-token-5f1c9e";

class FakeHttp final : public wecom::HttpClient {
public:
    struct Call {
        HttpMethod method;
        std::string url;
        std::string body;
        std::string authorization;
        std::string content_type;
    };

    void answer(int status, std::string body) {
        answers_.push_back(wecom::HttpResult{status, std::move(body)});
    }
    void fail(std::string reason) {
        answers_.push_back(make_error(ErrorCode::Unavailable, "transport: " + reason));
    }

    Result<wecom::HttpResult> post(std::string_view, std::string_view, std::string_view,
                                   const wecom::HttpTimeouts&) override {
        ADD_FAILURE() << "the CLI calls request()";
        return wecom::HttpResult{};
    }
    Result<wecom::HttpResult> get(std::string_view, const wecom::HttpTimeouts&) override {
        ADD_FAILURE() << "the CLI calls request()";
        return wecom::HttpResult{};
    }
    Result<wecom::HttpResult> request(const wecom::HttpRequest& request,
                                      const wecom::HttpTimeouts&) override {
        Call call{request.method, request.url, request.body, "", ""};
        for (const auto& h : request.headers) {
            if (h.name == "Authorization") call.authorization = h.value;
            if (h.name == "Content-Type") call.content_type = h.value;
        }
        calls.push_back(call);
        if (answers_.empty()) return wecom::HttpResult{200, "{}"};
        auto next = std::move(answers_.front());
        answers_.pop_front();
        return next;
    }

    std::vector<Call> calls;

private:
    std::deque<Result<wecom::HttpResult>> answers_;
};

std::string read_all(std::FILE* f) {
    std::rewind(f);
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
    return text;
}

struct CliRun {
    int code;
    std::string out;
    std::string err;
};

class KeywordsCliTest : public ::testing::Test {
protected:
    CliRun run(std::vector<std::string> args) {
        std::FILE* out = std::tmpfile();
        std::FILE* err = std::tmpfile();
        const EnvLookup lookup = [this](std::string_view name) -> std::optional<std::string> {
            const auto it = env.find(std::string(name));
            return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        const int code = run_keywords_cli(args, http, out, err, lookup);
        CliRun r{code, read_all(out), read_all(err)};
        EXPECT_EQ(r.out.find(kToken), std::string::npos) << "the token is never printed";
        EXPECT_EQ(r.err.find(kToken), std::string::npos) << "the token is never printed";
        return r;
    }

    const FakeHttp::Call& only_call() {
        EXPECT_EQ(http.calls.size(), 1u);
        static const FakeHttp::Call kNone{};
        return http.calls.empty() ? kNone : http.calls.back();
    }

    FakeHttp http;
    std::map<std::string, std::string> env{{"GROUPDESK_API_TOKEN", kToken}};
};

Json rule(int id, const std::string& reply, bool enabled = true) {
    return {{"id", id},
            {"kind", "keyword"},
            {"keywords", {"退款", "refund"}},
            {"match_type", "contains"},
            {"reply", reply},
            {"news", nullptr},
            {"priority", 5},
            {"scope", {{"channels", Json::array()}, {"chats", Json::array()}}},
            {"enabled", enabled},
            {"active_hours", nullptr},
            {"origin", ""},
            {"created_by", "api:ops"},
            {"created_at", "2026-12-02T01:10:08Z"},
            {"updated_by", "api:ops"},
            {"updated_at", "2026-12-02T01:10:08Z"},
            {"version", 1}};
}

TEST_F(KeywordsCliTest, ListPrintsATableCutToTheTerminalWithoutSplittingACharacter) {
    const std::string long_reply(60, 'x');
    http.answer(200,
                Json{{"rules",
                      {rule(3, "退款请提供订单号，我们会在三个工作日内处理完毕。" + long_reply),
                       rule(12, "ok", false)}}}
                    .dump());
    env["COLUMNS"] = "80";
    const CliRun r = run({"list"});
    EXPECT_EQ(r.code, 0) << r.err;
    const auto& call = only_call();
    EXPECT_EQ(call.method, HttpMethod::Get);
    EXPECT_EQ(call.url, "http://127.0.0.1:8080/api/v1/keywords");
    EXPECT_EQ(call.authorization, std::string("Bearer ") + kToken);
    EXPECT_EQ(r.out.rfind("ID  KIND     MATCH     PRIO  ON   KEYWORDS      REPLY\n", 0), 0u)
        << r.out;
    EXPECT_NE(r.out.find("3   keyword  contains  5     yes  退款, refund  退款请提供订单号"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("12  keyword  contains  5     no   退款, refund  ok\n"), std::string::npos)
        << r.out;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        EXPECT_LE(display_width(line), 80u) << line;
    }
    EXPECT_NE(r.out.find("…\n"), std::string::npos) << r.out;
}

TEST_F(KeywordsCliTest, ListJsonPrintsTheServersJson) {
    const std::string body = Json{{"rules", {rule(3, "hi")}}}.dump();
    http.answer(200, body);
    const CliRun r = run({"list", "--json"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, body + "\n");
}

TEST_F(KeywordsCliTest, AddSendsEveryOptionAsARuleInput) {
    http.answer(201, rule(7, "请提供订单号").dump());
    const CliRun r = run({"add",
                          "--keyword",
                          "退款",
                          "--keyword=refund",
                          "--reply",
                          "请提供订单号",
                          "--match",
                          "exact",
                          "--priority",
                          "-5",
                          "--channel",
                          "corp-app",
                          "--channel",
                          "service-account",
                          "--chat",
                          "wrChat1",
                          "--hours",
                          "09:00-21:00",
                          "--disabled",
                          "--kind",
                          "keyword",
                          "--server",
                          "http://10.0.0.5:9090/"});
    EXPECT_EQ(r.code, 0) << r.err;
    const auto& call = only_call();
    EXPECT_EQ(call.method, HttpMethod::Post);
    EXPECT_EQ(call.url, "http://10.0.0.5:9090/api/v1/keywords");
    EXPECT_EQ(call.content_type, "application/json");
    const Json expected = {
        {"kind", "keyword"},
        {"keywords", {"退款", "refund"}},
        {"match_type", "exact"},
        {"reply", "请提供订单号"},
        {"priority", -5},
        {"scope", {{"channels", {"corp-app", "service-account"}}, {"chats", {"wrChat1"}}}},
        {"active_hours", {{"start", "09:00"}, {"end", "21:00"}}},
        {"enabled", false}};
    EXPECT_EQ(Json::parse(call.body), expected);
    EXPECT_EQ(r.out.rfind("added rule 7 (version 1)\n", 0), 0u) << r.out;
}

TEST_F(KeywordsCliTest, AddJsonPrintsTheStoredRule) {
    const std::string body = rule(7, "hi").dump();
    http.answer(201, body);
    const CliRun r = run({"add", "--keyword", "hi", "--reply", "hi", "--json"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, body + "\n");
}

TEST_F(KeywordsCliTest, UpdateSendsOnlyTheFieldsGiven) {
    http.answer(200, rule(7, "new").dump());
    const CliRun r = run({"update", "7", "--reply", "new", "--enable", "--no-hours"});
    EXPECT_EQ(r.code, 0) << r.err;
    const auto& call = only_call();
    EXPECT_EQ(call.method, HttpMethod::Patch);
    EXPECT_EQ(call.url, "http://127.0.0.1:8080/api/v1/keywords/7");
    EXPECT_EQ(Json::parse(call.body),
              (Json{{"reply", "new"}, {"enabled", true}, {"active_hours", nullptr}}));
    EXPECT_NE(r.out.find("updated rule 7"), std::string::npos) << r.out;
}

TEST_F(KeywordsCliTest, UsageErrorsNeverReachTheServer) {
    const std::vector<std::vector<std::string>> bad = {
        {"update", "7"},
        {"update", "seven", "--reply", "x"},
        {"update", "7", "--enable", "--disabled"},
        {"add", "--reply", "x"},
        {"add", "--keyword", "k"},
        {"add", "--keyword", "k", "--reply", "x", "--match", "fuzzy"},
        {"add", "--keyword", "k", "--reply", "x", "--priority", "high"},
        {"add", "--keyword", "k", "--reply", "x", "--hours", "9-21"},
        {"add", "--keyword", "k", "--reply", "x", "--reply", "y"},
        {"add", "--keyword", "k", "--reply", "x", "--frobnicate"},
        {"rm"},
        {"rm", "1", "2"},
        {"restore", "3", "0"},
        {"import-mp"},
        {"list", "--server", "127.0.0.1:8080"},
        {"launch"},
    };
    for (const auto& args : bad) {
        const CliRun r = run(args);
        EXPECT_EQ(r.code, 2) << args[0] << " " << r.err;
        EXPECT_NE(r.err.find("groupdesk keywords"), std::string::npos) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
    }
    EXPECT_TRUE(http.calls.empty());
}

TEST_F(KeywordsCliTest, RmDeletesAndSaysHowToRestore) {
    Json deleted = rule(12, "bye");
    deleted["version"] = 3;
    http.answer(200, deleted.dump());
    const CliRun r = run({"rm", "12"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(only_call().method, HttpMethod::Delete);
    EXPECT_EQ(only_call().url, "http://127.0.0.1:8080/api/v1/keywords/12");
    EXPECT_NE(r.out.find("deleted rule 12"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("groupdesk keywords restore 12 3"), std::string::npos) << r.out;
}

TEST_F(KeywordsCliTest, ExportWritesTheJsonToStandardOutputOrAFile) {
    const std::string body = Json{{"rules", {rule(3, "hi"), rule(4, "yo")}}}.dump();
    http.answer(200, body);
    CliRun r = run({"export"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, body + "\n");
    EXPECT_EQ(only_call().url, "http://127.0.0.1:8080/api/v1/keywords/export");

    test::TempDir dir("groupdesk-kwcli-");
    const std::string path = dir.file("rules.json");
    http.answer(200, body);
    r = run({"export", "--output", path});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "exported 2 rules to " + path + "\n");
    std::ifstream in(path);
    const std::string written((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(written, body + "\n");
}

TEST_F(KeywordsCliTest, ImportSendsTheFileAndPrintsTheCounts) {
    test::TempDir dir("groupdesk-kwcli-");
    const std::string path = dir.file("rules.json");
    const Json rules = {{"rules", {rule(3, "hi")}}};
    std::ofstream(path) << rules.dump(2);
    http.answer(200, R"({"imported":1,"created":0,"updated":1})");
    const CliRun r = run({"import", path});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(only_call().method, HttpMethod::Post);
    EXPECT_EQ(only_call().url, "http://127.0.0.1:8080/api/v1/keywords/import");
    EXPECT_EQ(Json::parse(only_call().body), rules);
    EXPECT_EQ(r.out, "imported 1 rules: 0 created, 1 updated\n");
}

TEST_F(KeywordsCliTest, ImportRefusedPrintsEveryProblemWithItsRowAndField) {
    test::TempDir dir("groupdesk-kwcli-");
    const std::string path = dir.file("rules.json");
    std::ofstream(path) << R"({"rules": [{}, {}, {}]})";
    const Json refusal = {
        {"error",
         {{"code", "invalid_argument"},
          {"message", "keywords[0]: must not be empty"},
          {"problems",
           {{{"index", 0}, {"field", "keywords[0]"}, {"reason", "must not be empty"}},
            {{"index", 2},
             {"field", "keywords[0]"},
             {"reason", "not a valid regex: missing )"}}}}}}};
    http.answer(400, refusal.dump());
    const CliRun r = run({"import", path});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("the server refused (HTTP 400): keywords[0]: must not be empty\n"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("row 0: keywords[0]: must not be empty\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("row 2: keywords[0]: not a valid regex: missing )\n"), std::string::npos)
        << r.err;
    EXPECT_TRUE(r.out.empty());
}

TEST_F(KeywordsCliTest, AnImportFileThatIsNotJsonIsAUsageError) {
    test::TempDir dir("groupdesk-kwcli-");
    const std::string path = dir.file("rules.json");
    std::ofstream(path) << "rules: []";
    EXPECT_EQ(run({"import", path}).code, 2);
    EXPECT_EQ(run({"import", dir.file("missing.json")}).code, 2);
    EXPECT_TRUE(http.calls.empty());
}

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
