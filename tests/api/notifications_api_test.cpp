// The notification routes: a ticket's announcements in its body, the list with its filters and
// pages, and an admin's retry of a row that failed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/api/api_test_support.h"

namespace groupdesk::api::test {
namespace {

using nlohmann::json;

TEST_F(TicketsApiTest, ATicketShowsItsNotifications) {
    const auto number = create();
    auto r = call("GET", "/api/v1/tickets/" + std::to_string(number));
    ASSERT_EQ(r.status, 200);
    const json rows = json::parse(r.body).at("notifications");
    ASSERT_EQ(rows.size(), 1u);  // a REST create is announced in its chat
    EXPECT_EQ(rows[0].at("state"), "pending");
    EXPECT_EQ(rows[0].at("route"), "response_url");
    EXPECT_EQ(rows[0].at("target"), "wrkSFfCgAAxxxx");
    EXPECT_EQ(rows[0].at("attempts"), 0);
    EXPECT_TRUE(rows[0].at("sent_at").is_null());
    EXPECT_NE(rows[0].at("text").get<std::string>().find("Printer on fire"), std::string::npos);
}

TEST_F(TicketsApiTest, NotificationsAreListedWithFiltersAndPages) {
    for (int i = 0; i < 3; ++i) create();
    auto all = call("GET", "/api/v1/notifications?limit=2");
    ASSERT_EQ(all.status, 200);
    const json first = json::parse(all.body);
    ASSERT_EQ(first.at("notifications").size(), 2u);
    EXPECT_EQ(first.at("notifications")[0].at("ticket"), 3);  // newest first
    ASSERT_TRUE(first.at("next_cursor").is_string());
    auto next = call("GET", "/api/v1/notifications?limit=2&cursor=" +
                                first.at("next_cursor").get<std::string>());
    ASSERT_EQ(next.status, 200);
    const json second = json::parse(next.body);
    ASSERT_EQ(second.at("notifications").size(), 1u);
    EXPECT_EQ(second.at("notifications")[0].at("ticket"), 1);
    EXPECT_TRUE(second.at("next_cursor").is_null());

    EXPECT_EQ(
        json::parse(call("GET", "/api/v1/notifications?ticket=2").body).at("notifications").size(),
        1u);
    EXPECT_EQ(json::parse(call("GET", "/api/v1/notifications?state=pending").body)
                  .at("notifications")
                  .size(),
              3u);
    EXPECT_TRUE(json::parse(call("GET", "/api/v1/notifications?state=sent").body)
                    .at("notifications")
                    .empty());
}

TEST_F(TicketsApiTest, BadNotificationQueriesNameTheParameter) {
    EXPECT_EQ(expect_error(call("GET", "/api/v1/notifications?state=lost"), 400).at("field"),
              "state");
    EXPECT_EQ(expect_error(call("GET", "/api/v1/notifications?ticket=x"), 400).at("field"),
              "ticket");
    EXPECT_EQ(expect_error(call("GET", "/api/v1/notifications?limit=0"), 400).at("field"), "limit");
    EXPECT_EQ(expect_error(call("GET", "/api/v1/notifications?cursor=zz"), 400).at("field"),
              "cursor");
    EXPECT_EQ(expect_error(call("GET", "/api/v1/notifications?sort=id"), 400).at("field"), "sort");
    expect_error(call("GET", "/api/v1/notifications", "", ""), 401);
}

TEST_F(TicketsApiTest, OnlyAnAdminRetriesAndOnlyAFailedOrUndeliverableRow) {
    create();
    auto& outbox = store.inner().outbox();
    const std::string retry = "/api/v1/notifications/1/retry";
    EXPECT_EQ(expect_error(call("POST", retry, "", kAgentToken), 403).at("code"),
              "permission_denied");
    // Still pending: nothing to retry.
    expect_error(call("POST", retry, "", kAdminToken), 409);
    ASSERT_TRUE(
        outbox.finish(1, tickets::DeliveryState::Failed, 1, 93000, "invalid webhook url").ok());
    auto r = call("POST", retry, "", kAdminToken);
    ASSERT_EQ(r.status, 200) << r.body;
    const json row = json::parse(r.body);
    EXPECT_EQ(row.at("state"), "pending");
    EXPECT_EQ(row.at("attempts"), 1);
    EXPECT_EQ(retries_announced, 1);  // the worker is woken
    expect_error(call("POST", "/api/v1/notifications/99/retry", "", kAdminToken), 404);
    expect_error(call("GET", retry, "", kAdminToken), 405);
}

}  // namespace
}  // namespace groupdesk::api::test
