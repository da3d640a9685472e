// Router: exact paths, 405 with Allow from the table, 404, longest-prefix mounts, and a mount
// wrapped by a check that runs before the endpoint.
#include "bot/router.h"

#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <string>

namespace groupdesk::bot {
namespace {

// An endpoint answering 200 with its own name, so a test sees which one ran.
Endpoint named(std::string name) {
    return [name = std::move(name)](const HttpRequest&, const Respond& respond) {
        respond(HttpResponse::text(200, name));
    };
}

HttpResponse call(const Router& router, std::string method, std::string target) {
    HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    std::optional<HttpResponse> answer;
    router.handle(std::move(request), [&](HttpResponse r) { answer = std::move(r); });
    EXPECT_TRUE(answer.has_value());
    return answer.value_or(HttpResponse{});
}

std::string header(const HttpResponse& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
        if (key == name) return value;
    }
    return "<absent>";
}

TEST(RouterTest, ExactPathAndMethod) {
    Router router;
    router.add("GET", "/healthz", named("health"));
    router.add("POST", "/healthz", named("health-post"));
    EXPECT_EQ(call(router, "GET", "/healthz").body, "health");
    EXPECT_EQ(call(router, "POST", "/healthz?x=1").body, "health-post");
    EXPECT_EQ(call(router, "GET", "/healthz/").status, 404);
}

TEST(RouterTest, MethodMismatchIs405WithTheMethodsInAStableOrder) {
    Router router;
    router.add("POST", "/things", named("post"));
    router.add("GET", "/things", named("get"));
    router.add("DELETE", "/things", named("delete"));
    auto response = call(router, "PUT", "/things");
    EXPECT_EQ(response.status, 405);
    EXPECT_EQ(response.body, "method not allowed\n");
    EXPECT_EQ(header(response, "Allow"), "DELETE, GET, POST");
}

TEST(RouterTest, HeadIsAMethodOfItsOwn) {
    // The transport hands HEAD over as is (and drops the body it gets back).
    Router router;
    router.add("GET", "/metrics", named("metrics"));
    auto response = call(router, "HEAD", "/metrics");
    EXPECT_EQ(response.status, 405);
    EXPECT_EQ(header(response, "Allow"), "GET");
}

TEST(RouterTest, UnknownPathIs404) {
    Router router;
    router.add("GET", "/healthz", named("health"));
    auto response = call(router, "GET", "/elsewhere");
    EXPECT_EQ(response.status, 404);
    EXPECT_EQ(response.body, "not found\n");
    EXPECT_EQ(call(Router{}, "GET", "/").status, 404);
}

TEST(RouterTest, TheLongestMountedPrefixWins) {
    Router router;
    router.mount("/api/", named("api"));
    router.mount("/api/v1/", named("v1"));
    router.mount("/a/", named("a"));
    EXPECT_EQ(call(router, "GET", "/api/v1/users").body, "v1");
    EXPECT_EQ(call(router, "DELETE", "/api/v1/").body, "v1");
    EXPECT_EQ(call(router, "GET", "/api/v2/users").body, "api");
    EXPECT_EQ(call(router, "GET", "/a/b").body, "a");
}

TEST(RouterTest, AMountTakesOnlyPathsUnderItsPrefix) {
    Router router;
    router.mount("/callback/", named("callbacks"));
    EXPECT_EQ(call(router, "POST", "/callback/corp-app?x=1").body, "callbacks");
    EXPECT_EQ(call(router, "POST", "/callbackx").status, 404);
    EXPECT_EQ(call(router, "POST", "/callbackx/corp-app").status, 404);
    EXPECT_EQ(call(router, "POST", "/callback").status, 404);
    EXPECT_THROW(router.mount("/api", named("api")), std::invalid_argument);
}

TEST(RouterTest, AnExactPathWinsOverAMount) {
    Router router;
    router.mount("/api/", named("api"));
    router.add("GET", "/api/status", named("status"));
    EXPECT_EQ(call(router, "GET", "/api/status").body, "status");
    EXPECT_EQ(call(router, "POST", "/api/status").status, 405);
    EXPECT_EQ(call(router, "GET", "/api/other").body, "api");
}

// What an authorising wrapper looks like: it answers by itself unless the request may pass.
Endpoint require_token(std::string token, Endpoint inner) {
    return
        [token = std::move(token), inner = std::move(inner)](HttpRequest request, Respond respond) {
            if (request.header("Authorization") != "Bearer " + token) {
                return respond(HttpResponse::text(401, "unauthenticated\n"));
            }
            inner(std::move(request), std::move(respond));
        };
}

TEST(RouterTest, AMountCanAuthoriseBeforeDispatch) {
    Router router;
    int reached = 0;
    router.mount("/api/v1/",
                 require_token("s3cret", [&](const HttpRequest&, const Respond& respond) {
                     ++reached;
                     respond(HttpResponse::text(200, "inside"));
                 }));
    EXPECT_EQ(call(router, "GET", "/api/v1/things").status, 401);
    EXPECT_EQ(reached, 0);

    HttpRequest request;
    request.method = "GET";
    request.target = "/api/v1/things";
    request.headers.emplace_back("authorization", "Bearer s3cret");
    std::optional<HttpResponse> answer;
    router.handle(std::move(request), [&](HttpResponse r) { answer = std::move(r); });
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->body, "inside");
    EXPECT_EQ(reached, 1);
}

TEST(RouterTest, AnEndpointMayAnswerLater) {
    Router router;
    Respond held;
    router.add("POST", "/slow",
               [&](const HttpRequest&, Respond respond) { held = std::move(respond); });
    HttpRequest request;
    request.method = "POST";
    request.target = "/slow";
    std::optional<HttpResponse> answer;
    router.handle(std::move(request), [&](HttpResponse r) { answer = std::move(r); });
    EXPECT_FALSE(answer.has_value());
    held(HttpResponse::text(202, "later"));
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->status, 202);
}

}  // namespace
}  // namespace groupdesk::bot
