// Tests for the ticket REST API's routes as they should be used: create, show, list and page,
// change and comment, with an admin and an agent token; and the bearer check itself.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
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
}  // namespace
}  // namespace groupdesk::api
