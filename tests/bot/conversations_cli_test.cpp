// `groupdesk conversations` against a fake HTTP client: the exact request of the list and of
// show, the table and the report, --json, usage errors, refusals and an unreachable server.
#include "bot/cli/conversations_cli.h"

#include <sstream>

#include "bot/cli/conversations_output.h"
#include "tests/bot/keywords_cli_test_support.h"

namespace groupdesk::bot::cli {
namespace {

using namespace testing;
using Json = nlohmann::json;
using wecom::HttpMethod;

Json conversation(const std::string& user, std::int64_t seconds_left, bool waiting,
                  Json tickets = Json::array(), const std::string& excerpt = "where is my order") {
    return {{"channel", "mp"},
            {"user", user},
            {"opened_by", "message"},
            {"window_opened_at", "2027-01-15T08:00:00Z"},
            {"deadline", "2027-01-17T08:00:00Z"},
            {"open", seconds_left > 0},
            {"seconds_left", seconds_left},
            {"quota_left", 5},
            {"waiting", waiting},
            {"at_risk", waiting || !tickets.empty()},
            {"last_message_at", "2027-01-15T08:00:00Z"},
            {"last_answer_at", nullptr},
            {"last_excerpt", excerpt},
            {"open_tickets", tickets},
            {"next_alert_at", "2027-01-16T08:00:00Z"},
            {"alerts_sent", 0}};
}

class ConversationsCliTest : public ::testing::Test {
protected:
    CliRun run(const std::vector<std::string>& args) {
        return run_cli(run_conversations_cli, args, http, env);
    }

    FakeHttp http;
    std::map<std::string, std::string> env{{"GROUPDESK_API_TOKEN", kToken}};
};

TEST_F(ConversationsCliTest, ListPrintsATableOfTheOpenWindows) {
    const std::string long_excerpt = "退款请尽快处理，我已经等了三天了" + std::string(80, 'x');
    http.answer(200,
                Json{{"conversations",
                      {conversation("oA", 3 * 3600 + 5 * 60, true, Json::array(), long_excerpt),
                       conversation("oB", 45 * 60, false, {12, 15})}}}
                    .dump());
    env["COLUMNS"] = "80";
    const CliRun r = run({});
    EXPECT_EQ(r.code, 0) << r.err;
    ASSERT_EQ(http.calls.size(), 1u);
    EXPECT_EQ(http.calls[0].method, HttpMethod::Get);
    EXPECT_EQ(http.calls[0].url, "http://127.0.0.1:8080/api/v1/conversations");
    EXPECT_EQ(http.calls[0].authorization, std::string("Bearer ") + kToken);
    EXPECT_EQ(r.out.rfind("CHANNEL  USER  LEFT   QUOTA  WAITING  TICKETS   LAST\n", 0), 0u)
        << r.out;
    EXPECT_NE(r.out.find("mp       oA    3h05m  5      yes      -         退款"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("mp       oB    45m    5      no       #12, #15  where is my order\n"),
              std::string::npos)
        << r.out;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) EXPECT_LE(display_width(line), 80u) << line;
    EXPECT_NE(r.out.find("…\n"), std::string::npos) << r.out;
}

TEST_F(ConversationsCliTest, FiltersBecomeTheQuery) {
    http.answer(200, R"({"conversations": [], "next_after": "x"})");
    const CliRun r =
        run({"--at-risk", "--channel", "mp", "--limit=20", "--server", "http://gd:9000/"});
    EXPECT_EQ(r.code, 0) << r.err;
    ASSERT_EQ(http.calls.size(), 1u);
    EXPECT_EQ(http.calls[0].url,
              "http://gd:9000/api/v1/conversations?at_risk=true&channel=mp&limit=20");
    EXPECT_NE(r.out.find("no open reply windows"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("more follow"), std::string::npos) << r.out;
}

TEST_F(ConversationsCliTest, JsonPrintsTheServersAnswer) {
    const std::string body = Json{{"conversations", {conversation("oA", 60, true)}}}.dump();
    http.answer(200, body);
    const CliRun r = run({"--json"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, body + "\n");
}

TEST_F(ConversationsCliTest, ShowPrintsOneConversation) {
    http.answer(200, conversation("oB", 0, false, {7}).dump());
    const CliRun r = run({"show", "mp", "oB"});
    EXPECT_EQ(r.code, 0) << r.err;
    ASSERT_EQ(http.calls.size(), 1u);
    EXPECT_EQ(http.calls[0].url, "http://127.0.0.1:8080/api/v1/conversations/mp/oB");
    EXPECT_NE(r.out.find("conversation  mp/oB\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("window        closed (deadline 2027-01-17T08:00:00Z"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("open tickets  #7\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("last answer   -\n"), std::string::npos) << r.out;

    http.answer(200, R"({"user":"oB"})");
    EXPECT_EQ(run({"show", "mp", "oB", "--json"}).out, "{\"user\":\"oB\"}\n");
}

TEST_F(ConversationsCliTest, UsageErrorsCallNothing) {
    const std::vector<std::vector<std::string>> cases = {
        {"--limit", "0"},
        {"--limit", "many"},
        {"--channel", "MP"},
        {"--bogus"},
        {"list"},
        {"show", "mp"},
        {"show", "mp", "oA", "x"},
        {"show", "mp", "o/A"},
        {"show", "mp", "oA", "--at-risk"},
        {"--server", "gd:8080"},
        {"--limit"},
    };
    for (const auto& args : cases) {
        const CliRun r = run(args);
        EXPECT_EQ(r.code, 2) << ::testing::PrintToString(args);
        EXPECT_NE(r.err.find("groupdesk conversations"), std::string::npos) << r.err;
    }
    env.erase("GROUPDESK_API_TOKEN");
    const CliRun r = run({});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("GROUPDESK_API_TOKEN"), std::string::npos) << r.err;
    EXPECT_TRUE(http.calls.empty());
}

TEST_F(ConversationsCliTest, HelpGoesToStdout) {
    const CliRun r = run({"--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("usage: groupdesk conversations"), std::string::npos);
    EXPECT_NE(r.out.find("show CHANNEL USER"), std::string::npos);
    EXPECT_TRUE(http.calls.empty());
}

TEST_F(ConversationsCliTest, RefusalsAndAnUnreachableServerAreSaid) {
    http.answer(404, R"({"error":{"code":"not_found","message":"no such conversation"}})");
    CliRun r = run({"show", "mp", "nobody"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err,
              "groupdesk conversations: the server refused (HTTP 404): no such conversation\n");

    http.answer(
        401,
        R"({"error":{"code":"unauthenticated","message":"a valid bearer token is required"}})");
    r = run({});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("check GROUPDESK_API_TOKEN"), std::string::npos) << r.err;

    http.fail("connection refused");
    r = run({});
    EXPECT_EQ(r.code, 3);
    EXPECT_NE(r.err.find("groupdesk conversations: cannot reach the server at "
                         "http://127.0.0.1:8080: connection refused"),
              std::string::npos)
        << r.err;
}

TEST(ConversationsOutput, TimeLeftReadsAtAGlance) {
    EXPECT_EQ(time_left(3 * 3600 + 5 * 60 + 59, true), "3h05m");
    EXPECT_EQ(time_left(47 * 3600, true), "47h00m");
    EXPECT_EQ(time_left(45 * 60, true), "45m");
    EXPECT_EQ(time_left(30, true), "30s");
    EXPECT_EQ(time_left(0, false), "closed");
    EXPECT_EQ(time_left(100, false), "closed");
}

}  // namespace
}  // namespace groupdesk::bot::cli
