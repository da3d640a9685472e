// The operational endpoints: /healthz says only a public reason, /metrics its content type, and
// the /callback/ mount answers 404 for a channel it does not have.
#include "bot/endpoints.h"

#include <gtest/gtest.h>

#include <optional>

namespace groupdesk::bot {
namespace {

HttpResponse call(const Endpoint& endpoint, std::string target) {
    HttpRequest request;
    request.method = "GET";
    request.target = std::move(target);
    std::optional<HttpResponse> answer;
    endpoint(std::move(request), [&](HttpResponse r) { answer = std::move(r); });
    EXPECT_TRUE(answer.has_value());
    return answer.value_or(HttpResponse{});
}

TEST(EndpointsTest, HealthzSaysOk) {
    auto response = call(health_endpoint([] { return ok_status(); }), "/healthz");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, "ok\n");
}

TEST(EndpointsTest, HealthzShowsThePublicReasonOnly) {
    auto sqlite_text = [] {
        return Status(make_error(ErrorCode::Unavailable,
                                 "database writes failing: /var/lib/groupdesk/dedup.db locked"));
    };
    auto response = call(health_endpoint(sqlite_text), "/healthz");
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(response.body, "unhealthy: temporarily unavailable, retry\n");

    auto explained = [] {
        return Status(with_public_reason(make_error(ErrorCode::Unavailable, "disk I/O error"),
                                         "database writes failing"));
    };
    EXPECT_EQ(call(health_endpoint(explained), "/healthz").body,
              "unhealthy: database writes failing\n");
}

TEST(EndpointsTest, MetricsUseThePrometheusContentType) {
    Metrics metrics({"corp-app"});
    auto response = call(metrics_endpoint(metrics), "/metrics");
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(response.body.find("groupdesk_"), std::string::npos);
}

TEST(EndpointsTest, AnUnknownChannelIs404) {
    auto response = call(callback_mount({}), "/callback/nope?x=1");
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(response.body, "unknown channel\n");
}

}  // namespace
}  // namespace groupdesk::bot
