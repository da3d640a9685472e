// The 48-hour reply window through the real server: encrypted Official Account callbacks are
// tracked, the agents are alerted through the real platform client and a fake platform, and a
// send into a closed window is refused — by our record or by the platform's 45015.
#include <nlohmann/json.hpp>

#include "tests/integration/server_fixture.h"
#include "tests/support/fake_platform.h"

namespace groupdesk::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kAgentsKey = "agents-webhook-key";
constexpr const char* kToken = "it-token-0123456789abcdef0123456789abcdef";
constexpr const char* kWebhookPath = "/cgi-bin/webhook/send";
constexpr const char* kCustomSendPath = "/cgi-bin/message/custom/send";
constexpr const char* kUser = "oFollower1";

class ReplyWindowTest : public ServerTest {
protected:
    void configure(config::Config& config) override {
        config.api_tokens = {{"ops-console", kToken, config::ApiToken::Role::Admin}};
        config.platform.wecom_api_base = platform_.base_url();
        config.platform.mp_api_base = platform_.base_url();
        config.platform.request_timeout = 2s;
        config.reply_window.alerts_to.webhook_key = kAgentsKey;
        for (auto& c : config.channels) {
            if (c.name == "service-account") c.secret = "mp-secret";
        }
    }

    static std::vector<RecordedRequest> alerts_in(const std::vector<RecordedRequest>& all) {
        std::vector<RecordedRequest> out;
        for (const auto& r : all) {
            if (r.path == kWebhookPath && r.param("key") == kAgentsKey) out.push_back(r);
        }
        return out;
    }
    std::vector<RecordedRequest> alerts() const { return alerts_in(platform_.requests()); }
    bool wait_for_alerts(std::size_t n) {
        // The predicate runs under the fake's lock: it reads the list it is given.
        return platform_.wait_for(
            [&](const std::vector<RecordedRequest>& all) { return alerts_in(all).size() >= n; });
    }
    static std::string content_of(const RecordedRequest& r) {
        const json body = json::parse(r.body);
        return body.contains("markdown") ? body["markdown"]["content"].get<std::string>()
                                         : body["text"]["content"].get<std::string>();
    }
    ClientResponse api(const std::string& method, const std::string& target,
                       const std::string& body = "") {
        return http_request(port_, method, target, body, "application/json",
                            {{"Authorization", std::string("Bearer ") + kToken}});
    }

    FakePlatform platform_;  // before the server: the config points at it
};

TEST_F(ReplyWindowTest, AMessageWrittenFortySevenAndAHalfHoursAgoAlertsTheAgentsAtOnce) {
    const auto written = to_unix_seconds(clock_.now() - 47h - 30min);
    account_text("发票开错了，怎么改？", written);
    ASSERT_TRUE(wait_for_alerts(1));
    const std::string alert = content_of(alerts()[0]);
    EXPECT_NE(alert.find(kUser), std::string::npos) << alert;
    EXPECT_NE(alert.find("service-account"), std::string::npos) << alert;
    EXPECT_NE(alert.find("还剩 30分"), std::string::npos) << alert;  // the 1-hour alert
    EXPECT_NE(alert.find("发票开错了"), std::string::npos) << alert;
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(alerts().size(), 1u);  // the 24 h and 6 h alerts collapsed into it

    const auto listed = api("GET", "/api/v1/conversations?at_risk=true");
    ASSERT_EQ(listed.status, 200) << listed.body;
    const json page = json::parse(listed.body);
    ASSERT_EQ(page["conversations"].size(), 1u) << listed.body;
    EXPECT_EQ(page["conversations"][0]["user"], kUser);
    EXPECT_EQ(page["conversations"][0]["quota_left"], 5);
    EXPECT_EQ(page["conversations"][0]["waiting"], true);
}

TEST_F(ReplyWindowTest, AFutureCreateTimeCountsFromOurClock) {
    account_text("你好", to_unix_seconds(clock_.now() + 2h));  // the platform's clock ahead
    const auto one = api("GET", std::string("/api/v1/conversations/service-account/") + kUser);
    ASSERT_EQ(one.status, 200) << one.body;
    const json view = json::parse(one.body);
    EXPECT_EQ(view["seconds_left"], 48 * 3600);  // counted from our now, not 2 h later
}

TEST_F(ReplyWindowTest, AnAgentsMessageAfterTheWindowIsRefusedAndThePlatforms45015Too) {
    account_text("在吗");
    const std::string messages =
        std::string("/api/v1/conversations/service-account/") + kUser + "/messages";
    // Inside the window, but the platform says otherwise (its clock, an unfollow we missed).
    platform_.fail_next(kCustomSendPath, Failure::err(45015, "response out of time limit"));
    const auto queued = api("POST", messages, R"({"text":"您好，请问还需要帮助吗？"})");
    ASSERT_EQ(queued.status, 202) << queued.body;
    const auto id = json::parse(queued.body)["notification"]["id"].get<std::int64_t>();
    ASSERT_TRUE(wait_for_alerts(1));
    const auto rows = api("GET", "/api/v1/notifications?kind=message");
    ASSERT_EQ(rows.status, 200) << rows.body;
    const json listed = json::parse(rows.body)["notifications"];
    ASSERT_EQ(listed.size(), 1u) << rows.body;
    EXPECT_EQ(listed[0]["id"], id);
    EXPECT_EQ(listed[0]["state"], "window_closed") << rows.body;
    EXPECT_EQ(listed[0]["last_errcode"], 45015) << rows.body;

    // Our record now says closed: the next one is refused before anything is queued.
    const auto refused = api("POST", messages, R"({"text":"还在吗"})");
    EXPECT_EQ(refused.status, 409) << refused.body;
    EXPECT_EQ(json::parse(refused.body)["error"]["code"], "window_closed") << refused.body;
}

}  // namespace
}  // namespace groupdesk::test
