// The API test fixture's JSON helpers, kept out of the header so it needs only json_fwd.hpp.
#include "tests/api/api_test_support.h"

#include <nlohmann/json.hpp>

namespace groupdesk::api::test {

nlohmann::json TicketsApiTest::expect_error(const HttpResponse& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    const nlohmann::json body = nlohmann::json::parse(r.body);
    EXPECT_TRUE(body.contains("error")) << r.body;
    return body.value("error", nlohmann::json::object());
}

std::int64_t TicketsApiTest::create(const std::string& token) {
    const HttpResponse r = call("POST", "/api/v1/tickets", kNewTicket, token);
    EXPECT_EQ(r.status, 201) << r.body;
    return nlohmann::json::parse(r.body).at("number").get<std::int64_t>();
}

}  // namespace groupdesk::api::test
