// `groupdesk keywords` against a fake HTTP client, the editing verbs: the exact request of list,
// add, update, rm, export and import, the tables, --json, and refusals with every problem.
#include "tests/bot/keywords_cli_test_support.h"

namespace groupdesk::bot::cli {
namespace {

using namespace testing;
using Json = nlohmann::json;
using wecom::HttpMethod;

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

}  // namespace
}  // namespace groupdesk::bot::cli
