// Tests for every error answer of the ticket REST API: 400 naming the field, 401, 403, 404, 405,
// 409, 413, 415 and 503; no input ever gets a 5xx; the log line never shows a token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "api/auth.h"
#include "tests/api/api_test_support.h"

namespace groupdesk::api {
namespace {

using nlohmann::json;
using test::header;
using test::kAdminToken;
using test::kAgentToken;
using test::kNewTicket;
using test::TicketsApiTest;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(TicketsApiTest, NoOrWrongTokenIs401WithAChallenge) {
    for (const std::string& token : {std::string(), std::string("wrong"), kAgentToken + "x"}) {
        for (const char* target : {"/api/v1/tickets", "/api/v1/nothing"}) {
            const HttpResponse r = call("GET", target, {}, token);
            EXPECT_EQ(expect_error(r, 401).at("code"), "unauthenticated");
            EXPECT_EQ(header(r, "WWW-Authenticate"), "Bearer");
        }
    }
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

TEST_F(TicketsApiTest, BadListParametersAre400NamingThem) {
    const std::pair<const char*, const char*> cases[] = {
        {"limit=0", "limit"},
        {"limit=101", "limit"},
        {"limit=ten", "limit"},
        {"limit=", "limit"},
        {"status=open,", "status"},
        {"status=pending", "status"},
        {"cursor=abc", "cursor"},
        {"cursor=", "cursor"},
        {"sort=number", "sort"},
        {"q=%zz", ""},
        {"=open", ""},
    };
    for (const auto& [query, field] : cases) {
        SCOPED_TRACE(query);
        const json error = expect_error(call("GET", std::string("/api/v1/tickets?") + query), 400);
        EXPECT_EQ(error.value("field", ""), field);
    }
    EXPECT_EQ(call("GET", "/api/v1/tickets?limit=100").status, 200);
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
        SCOPED_TRACE(method);
        SCOPED_TRACE(target);
        const json error = expect_error(call(method, target, body), 503);
        EXPECT_EQ(error.at("code"), "unavailable");
        EXPECT_THAT(error.at("message").get<std::string>(), Not(HasSubstr("injected")));
    }
    store.fail_with(ErrorCode::Aborted);  // every attempt loses to a concurrent change
    EXPECT_EQ(
        expect_error(call("PATCH", "/api/v1/tickets/1", R"({"priority": "low"})"), 409).at("code"),
        "aborted");
}

TEST_F(TicketsApiTest, NoInputGetsA5xx) {
    create();
    const char* targets[] = {"/api/v1/tickets",
                             "/api/v1/tickets?limit=99999999999999999999999",
                             "/api/v1/tickets?cursor=%00%ff&status=,,",
                             "/api/v1/tickets?q=%E6%89",
                             "/api/v1/tickets/1",
                             "/api/v1/tickets/99999999999999999999",
                             "/api/v1/tickets/1/comments",
                             "/api/v1/tickets/1/comments/",
                             "/api/v1//tickets",
                             "/api/v1/tickets/%31",
                             "/api/v1/../v1/tickets"};
    const char* bodies[] = {"",
                            "null",
                            "{}",
                            R"({"title": "\u0000", "channel": "\ud800", "group": "g"})",
                            R"({"text": 1e999})",
                            R"({"status": "open", "title": "x\ny"})",
                            R"({"assignee": "\u0001"})",
                            "{\"title\": \"t\", \"channel\": \"c\", \"group\": \"g\"}"};
    for (const char* method : {"GET", "POST", "PATCH", "PUT", "HEAD", "get"}) {
        for (const char* target : targets) {
            for (const char* body : bodies) {
                const HttpResponse r = call(method, target, body, kAdminToken);
                EXPECT_LT(r.status, 500) << method << " " << target << " " << body << r.body;
            }
        }
    }
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
