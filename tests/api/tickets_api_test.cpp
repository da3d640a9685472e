// Tests for the ticket REST API: every route and every error answer, with an admin token, an
// agent token and no or a wrong token, over the real TicketService.
#include "api/tickets_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/api/fake_ticket_store.h"
#include "tests/support/fake_clock.h"

namespace groupdesk::api {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kAdminToken = "admin-token-0123456789abcdefghijklmnop";
const std::string kAgentToken = "agent-token-0123456789abcdefghijklmnop";
const std::string kNewTicket = R"({"title": "Printer on fire", "channel": "group-bot",
                                   "group": "wrkSFfCgAAxxxx", "priority": "high"})";

std::string header(const HttpResponse& r, std::string_view name) {
    for (const auto& [key, value] : r.headers) {
        if (key == name) return value;
    }
    return {};
}

class TicketsApiTest : public ::testing::Test {
protected:
    test::FakeTicketStore store;
    tickets::TicketService service{store};
    test::FakeClock clock{from_unix_seconds(1798765432)};  // 2027-01-01T01:03:52Z
    TicketsApi api{service,
                   clock,
                   {{"ops-console", kAdminToken, config::ApiToken::Role::Admin},
                    {"helpdesk", kAgentToken, config::ApiToken::Role::Agent}}};

    HttpResponse call(std::string method, std::string target, std::string body = {},
                      const std::string& token = kAgentToken,
                      std::string content_type = "application/json") {
        HttpRequest request;
        request.method = std::move(method);
        request.target = std::move(target);
        request.body = std::move(body);
        if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
        if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
        return api.handle(request);
    }

    // Answers `status` with an error body; returns the "error" object.
    static json expect_error(const HttpResponse& r, int status) {
        EXPECT_EQ(r.status, status) << r.body;
        EXPECT_EQ(r.content_type, "application/json");
        const json body = json::parse(r.body);
        EXPECT_TRUE(body.contains("error")) << r.body;
        return body.value("error", json::object());
    }

    std::int64_t create(const std::string& token = kAgentToken) {
        const HttpResponse r = call("POST", "/api/v1/tickets", kNewTicket, token);
        EXPECT_EQ(r.status, 201) << r.body;
        return json::parse(r.body).at("number").get<std::int64_t>();
    }
};

TEST(ApiAuth, ConstantTimeEqualComparesContentAndLength) {
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "abcd"));
    EXPECT_FALSE(constant_time_equal("abc", std::string("abc\0", 4)));
    EXPECT_FALSE(constant_time_equal("", "a"));
}

TEST(ApiAuth, BearerHeaderForms) {
    const BearerAuth auth({{"a", kAdminToken, config::ApiToken::Role::Admin}});
    EXPECT_NE(auth.authenticate("Bearer " + kAdminToken), nullptr);
    EXPECT_NE(auth.authenticate("bearer  " + kAdminToken + " "), nullptr);
    EXPECT_EQ(auth.authenticate(kAdminToken), nullptr);
    EXPECT_EQ(auth.authenticate("Basic " + kAdminToken), nullptr);
    EXPECT_EQ(auth.authenticate("Bearer"), nullptr);
    EXPECT_EQ(auth.authenticate("Bearer "), nullptr);
    EXPECT_EQ(auth.authenticate("Bearer " + kAdminToken + "x"), nullptr);
    EXPECT_EQ(auth.authenticate(""), nullptr);
}

TEST_F(TicketsApiTest, NoOrWrongTokenIs401WithAChallenge) {
    for (const std::string& token : {std::string(), std::string("wrong"), kAgentToken + "x"}) {
        for (const char* target : {"/api/v1/tickets", "/api/v1/nothing"}) {
            const HttpResponse r = call("GET", target, {}, token);
            EXPECT_EQ(expect_error(r, 401).at("code"), "unauthenticated");
            EXPECT_EQ(header(r, "WWW-Authenticate"), "Bearer");
        }
    }
}

TEST_F(TicketsApiTest, CreateAnswers201WithTheTicket) {
    const HttpResponse r = call("POST", "/api/v1/tickets",
                                R"({"title": "Printer on fire", "channel": "group-bot",
        "group": "zhangsan", "group_kind": "user", "description": "third floor",
        "category": "hardware", "priority": "urgent", "assignee": "lisi"})");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(header(r, "Location"), "/api/v1/tickets/1");
    const json t = json::parse(r.body);
    EXPECT_EQ(t.at("number"), 1);
    EXPECT_EQ(t.at("title"), "Printer on fire");
    EXPECT_EQ(t.at("description"), "third floor");
    EXPECT_EQ(t.at("category"), "hardware");
    EXPECT_EQ(t.at("priority"), "urgent");
    EXPECT_EQ(t.at("status"), "open");
    EXPECT_EQ(t.at("reporter"), "helpdesk");  // the token's name
    EXPECT_EQ(t.at("assignee"), "lisi");
    EXPECT_EQ(t.at("channel"), "group-bot");
    EXPECT_EQ(t.at("group"), "zhangsan");
    EXPECT_EQ(t.at("group_kind"), "user");
    EXPECT_EQ(t.at("source_message_id"), "");
    EXPECT_EQ(t.at("created_at"), "2027-01-01T01:03:52Z");
    EXPECT_EQ(t.at("updated_at"), "2027-01-01T01:03:52Z");
    EXPECT_TRUE(t.at("first_response_at").is_null());
    EXPECT_TRUE(t.at("resolved_at").is_null());
    EXPECT_TRUE(t.at("closed_at").is_null());
    EXPECT_EQ(t.at("revision"), 1);
    EXPECT_FALSE(t.contains("events"));
}

TEST_F(TicketsApiTest, BadBodiesAre400NamingTheField) {
    struct Case {
        std::string body;
        std::string field;  // "" when the body as a whole is wrong
    };
    const Case cases[] = {
        {"{", ""},
        {"[1]", ""},
        {"\"\xff\"", ""},
        {R"({"channel": "c", "group": "g"})", "title"},
        {R"({"title": "t", "group": "g"})", "channel"},
        {R"({"title": "t", "channel": "c"})", "group"},
        {R"({"title": 5, "channel": "c", "group": "g"})", "title"},
        {R"({"title": "t", "channel": "c", "group": "g", "colour": "red"})", "colour"},
        {R"({"title": "t", "channel": "c", "group": "g", "priority": "asap"})", "priority"},
        {R"({"title": "t", "channel": "c", "group": "g", "group_kind": "room"})", "group_kind"},
        {R"({"title": "t", "channel": "c", "group": "g", "assignee": null})", "assignee"},
        {R"({"title": "  ", "channel": "c", "group": "g"})", "title"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.body);
        const json error = expect_error(call("POST", "/api/v1/tickets", c.body), 400);
        EXPECT_EQ(error.at("code"), "invalid_argument");
        EXPECT_FALSE(error.at("message").get<std::string>().empty());
        EXPECT_EQ(error.value("field", ""), c.field);
    }
}

TEST_F(TicketsApiTest, DeeplyNestedBodiesAre400NotACrash) {
    const std::size_t depth = kMaxApiBodyBytes / 2;
    for (const std::string& body :
         {std::string(depth, '[') + std::string(depth, ']'), std::string(kMaxApiBodyBytes, '[')}) {
        EXPECT_EQ(call("POST", "/api/v1/tickets", body).status, 400);
        EXPECT_EQ(call("PATCH", "/api/v1/tickets/1", body).status, 400);
    }
}

TEST_F(TicketsApiTest, BodyTooLargeIs413AndNotJsonIs415) {
    const std::string big = R"({"title": "t", "channel": "c", "group": "g", "description": ")" +
                            std::string(kMaxApiBodyBytes, 'x') + "\"}";
    EXPECT_EQ(expect_error(call("POST", "/api/v1/tickets", big), 413).at("code"),
              "payload_too_large");
    EXPECT_EQ(
        call("POST", "/api/v1/tickets", kNewTicket, kAgentToken, "Application/JSON; charset=utf-8")
            .status,
        201);
    for (const char* type : {"text/plain", "", "application/jsonx"}) {
        SCOPED_TRACE(type);
        EXPECT_EQ(expect_error(call("POST", "/api/v1/tickets", kNewTicket, kAgentToken, type), 415)
                      .at("code"),
                  "unsupported_media_type");
    }
    create();
    EXPECT_EQ(call("PATCH", "/api/v1/tickets/2", "{}", kAgentToken, "text/plain").status, 415);
    EXPECT_EQ(call("POST", "/api/v1/tickets/2/comments", "{}", kAgentToken, "").status, 415);
}

TEST_F(TicketsApiTest, GetShowsTheTicketWithItsEvents) {
    const auto n = create();
    ASSERT_EQ(call("POST", "/api/v1/tickets/1/comments", R"({"text": "on it"})").status, 201);
    const HttpResponse r = call("GET", "/api/v1/tickets/" + std::to_string(n), {}, kAdminToken);
    ASSERT_EQ(r.status, 200) << r.body;
    const json t = json::parse(r.body);
    EXPECT_EQ(t.at("number"), n);
    ASSERT_EQ(t.at("events").size(), 2u);
    const json& created = t.at("events")[0];
    EXPECT_EQ(created.at("action"), "create");
    EXPECT_EQ(created.at("actor"), "helpdesk");
    EXPECT_EQ(created.at("actor_role"), "agent");
    EXPECT_EQ(created.at("field"), "status");
    EXPECT_EQ(created.at("from"), "");
    EXPECT_EQ(created.at("to"), "open");
    EXPECT_EQ(created.at("at"), "2027-01-01T01:03:52Z");
    EXPECT_EQ(t.at("events")[1].at("note"), "on it");
}

TEST_F(TicketsApiTest, UnknownTicketsAndRoutesAre404AndOtherMethods405) {
    create();
    for (const char* target :
         {"/api/v1/tickets/99", "/api/v1/tickets/abc", "/api/v1/tickets/0", "/api/v1/tickets/",
          "/api/v1/tickets/1/history", "/api/v1", "/api/v1/users", "/api/v1/tickets/-1"}) {
        SCOPED_TRACE(target);
        EXPECT_EQ(expect_error(call("GET", target), 404).at("code"), "not_found");
    }
    EXPECT_EQ(call("PATCH", "/api/v1/tickets/99", R"({"priority": "low"})").status, 404);
    EXPECT_EQ(call("POST", "/api/v1/tickets/99/comments", R"({"text": "x"})").status, 404);

    const HttpResponse del = call("DELETE", "/api/v1/tickets/1");
    EXPECT_EQ(expect_error(del, 405).at("code"), "method_not_allowed");
    EXPECT_EQ(header(del, "Allow"), "GET, PATCH");
    EXPECT_EQ(header(call("PUT", "/api/v1/tickets"), "Allow"), "GET, POST");
    EXPECT_EQ(header(call("GET", "/api/v1/tickets/1/comments"), "Allow"), "POST");
}

TEST_F(TicketsApiTest, ListFiltersAndPages) {
    for (int i = 0; i < 3; ++i) create();
    const HttpResponse first = call("GET", "/api/v1/tickets?limit=2&status=open,in_progress");
    ASSERT_EQ(first.status, 200) << first.body;
    const json page = json::parse(first.body);
    ASSERT_EQ(page.at("tickets").size(), 2u);
    EXPECT_EQ(page.at("tickets")[0].at("number"), 3);
    ASSERT_TRUE(page.at("next_cursor").is_string());
    const std::string cursor = page.at("next_cursor");
    EXPECT_THAT(cursor, Not(HasSubstr("2")));  // opaque, not the bare number

    const json next = json::parse(call("GET", "/api/v1/tickets?limit=2&cursor=" + cursor).body);
    ASSERT_EQ(next.at("tickets").size(), 1u);
    EXPECT_EQ(next.at("tickets")[0].at("number"), 1);
    EXPECT_TRUE(next.at("next_cursor").is_null());

    ASSERT_EQ(
        call("GET", "/api/v1/tickets?group=g&channel=c&assignee=a&reporter=r&q=%E6%89%93").status,
        200);
    const auto query = store.last_query();
    ASSERT_TRUE(query.has_value());
    EXPECT_EQ(query->group, "g");
    EXPECT_EQ(query->channel, "c");
    EXPECT_EQ(query->assignee, "a");
    EXPECT_EQ(query->reporter, "r");
    EXPECT_EQ(query->text, "打");
    EXPECT_EQ(query->limit, 20u);  // the default
    EXPECT_TRUE(query->statuses.empty());
}

TEST_F(TicketsApiTest, BadListParametersAre400NamingThem) {
    const std::pair<const char*, const char*> cases[] = {
        {"limit=0", "limit"},       {"limit=101", "limit"},
        {"limit=ten", "limit"},     {"limit=", "limit"},
        {"status=open,", "status"}, {"status=pending", "status"},
        {"cursor=abc", "cursor"},   {"cursor=", "cursor"},
        {"sort=number", "sort"},    {"q=%zz", ""},
    };
    for (const auto& [query, field] : cases) {
        SCOPED_TRACE(query);
        const json error = expect_error(call("GET", std::string("/api/v1/tickets?") + query), 400);
        EXPECT_EQ(error.value("field", ""), field);
    }
    EXPECT_EQ(call("GET", "/api/v1/tickets?limit=100").status, 200);
}

TEST_F(TicketsApiTest, PatchChangesFieldsAndStatus) {
    create();
    const HttpResponse r = call("PATCH", "/api/v1/tickets/1",
                                R"({"status": "in_progress", "assignee": "lisi", "priority":
                                    "low", "category": "net", "title": "Printer smoking"})");
    ASSERT_EQ(r.status, 200) << r.body;
    const json t = json::parse(r.body);
    EXPECT_EQ(t.at("status"), "in_progress");
    EXPECT_EQ(t.at("assignee"), "lisi");
    EXPECT_EQ(t.at("priority"), "low");
    EXPECT_EQ(t.at("category"), "net");
    EXPECT_EQ(t.at("title"), "Printer smoking");
    EXPECT_EQ(t.at("revision"), 2);
    EXPECT_EQ(t.at("first_response_at"), "2027-01-01T01:03:52Z");

    for (const auto& [body, field] :
         std::vector<std::pair<std::string, std::string>>{{R"({"status": "done"})", "status"},
                                                          {R"({"priority": 1})", "priority"},
                                                          {R"({"number": 2})", "number"},
                                                          {R"({"note": ["x"]})", "note"},
                                                          {"null", ""}}) {
        SCOPED_TRACE(body);
        EXPECT_EQ(expect_error(call("PATCH", "/api/v1/tickets/1", body), 400).value("field", ""),
                  field);
    }
}

TEST_F(TicketsApiTest, ARefusedTransitionIs409NamingFromAndTo) {
    create();
    const json error =
        expect_error(call("PATCH", "/api/v1/tickets/1", R"({"status": "closed"})"), 409);
    EXPECT_EQ(error.at("code"), "failed_precondition");
    EXPECT_THAT(error.at("message").get<std::string>(), HasSubstr("open → closed"));
}

TEST_F(TicketsApiTest, OnlyAnAdminEditsAClosedTicket) {
    create();
    ASSERT_EQ(
        call("PATCH", "/api/v1/tickets/1", R"({"status": "resolved", "note": "fixed"})").status,
        200);
    ASSERT_EQ(call("PATCH", "/api/v1/tickets/1", R"({"status": "closed"})").status, 200);
    const json error =
        expect_error(call("PATCH", "/api/v1/tickets/1", R"({"priority": "urgent"})"), 403);
    EXPECT_EQ(error.at("code"), "permission_denied");
    EXPECT_THAT(error.at("message").get<std::string>(), HasSubstr("only an admin"));
    const HttpResponse admin =
        call("PATCH", "/api/v1/tickets/1", R"({"priority": "urgent"})", kAdminToken);
    ASSERT_EQ(admin.status, 200) << admin.body;
    EXPECT_EQ(json::parse(admin.body).at("priority"), "urgent");
    // Anyone may still comment or reopen.
    EXPECT_EQ(call("POST", "/api/v1/tickets/1/comments", R"({"text": "thanks"})").status, 201);
    EXPECT_EQ(call("PATCH", "/api/v1/tickets/1", R"({"status": "open"})").status, 200);
}

TEST_F(TicketsApiTest, CommentAnswers201WithTheEvent) {
    create();
    const HttpResponse r =
        call("POST", "/api/v1/tickets/1/comments", R"({"text": " 已联系供应商 "})", kAdminToken);
    ASSERT_EQ(r.status, 201) << r.body;
    const json e = json::parse(r.body);
    EXPECT_GT(e.at("id").get<std::int64_t>(), 0);
    EXPECT_EQ(e.at("action"), "comment");
    EXPECT_EQ(e.at("actor"), "ops-console");
    EXPECT_EQ(e.at("actor_role"), "admin");
    EXPECT_EQ(e.at("note"), "已联系供应商");
    EXPECT_EQ(e.at("at"), "2027-01-01T01:03:52Z");
    for (const auto& [body, field] :
         std::vector<std::pair<std::string, std::string>>{{"{}", "text"},
                                                          {R"({"text": ""})", "text"},
                                                          {R"({"text": 1})", "text"},
                                                          {R"({"text": "a", "to": "b"})", "to"}}) {
        SCOPED_TRACE(body);
        EXPECT_EQ(
            expect_error(call("POST", "/api/v1/tickets/1/comments", body), 400).value("field", ""),
            field);
    }
}

TEST_F(TicketsApiTest, StorageFailureIs503AndALostRaceIs409) {
    create();
    store.fail_with(ErrorCode::Unavailable);
    for (const auto& [method, target, body] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"GET", "/api/v1/tickets", ""},
             {"GET", "/api/v1/tickets/1", ""},
             {"POST", "/api/v1/tickets", kNewTicket},
             {"PATCH", "/api/v1/tickets/1", R"({"priority": "low"})"},
             {"POST", "/api/v1/tickets/1/comments", R"({"text": "x"})"}}) {
        SCOPED_TRACE(method + " " + target);
        const json error = expect_error(call(method, target, body), 503);
        EXPECT_EQ(error.at("code"), "unavailable");
        EXPECT_THAT(error.at("message").get<std::string>(), Not(HasSubstr("injected")));
    }
    store.fail_with(ErrorCode::Aborted);  // every attempt loses to a concurrent change
    EXPECT_EQ(
        expect_error(call("PATCH", "/api/v1/tickets/1", R"({"priority": "low"})"), 409).at("code"),
        "aborted");
}

TEST_F(TicketsApiTest, OneLogLinePerRequestNamingTheTokenNeverItsValue) {
    std::ostringstream out;
    auto logger = std::make_shared<spdlog::logger>(
        "api-test", std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(logger);
    call("GET", "/api/v1/tickets?q=secret", {}, kAdminToken);
    call("GET", "/api/v1/tickets", {}, "wrong-token-value");
    spdlog::set_default_logger(previous);
    const std::string log = out.str();
    EXPECT_THAT(log, HasSubstr("api GET /api/v1/tickets 200 "));
    EXPECT_THAT(log, HasSubstr("token=ops-console"));
    EXPECT_THAT(log, HasSubstr("api GET /api/v1/tickets 401 "));
    EXPECT_THAT(log, Not(HasSubstr(kAdminToken)));
    EXPECT_THAT(log, Not(HasSubstr("wrong-token-value")));
    EXPECT_THAT(log, Not(HasSubstr("q=secret")));
    EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 2);
}

}  // namespace
}  // namespace groupdesk::api
