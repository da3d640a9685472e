// What the WecomApiClient tests share: the fake platform behind a real curl client, the two
// channels they send through, and reading back what the fake received.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/fake_clock.h"
#include "tests/support/fake_platform.h"
#include "wecom/curl_http_client.h"
#include "wecom/wecom_api_client.h"

namespace groupdesk::wecom {

inline constexpr const char* kSend = "/cgi-bin/message/send";
inline constexpr const char* kCustom = "/cgi-bin/message/custom/send";
inline constexpr const char* kWebhook = "/cgi-bin/webhook/send";
inline constexpr const char* kGetToken = "/cgi-bin/gettoken";
inline constexpr const char* kAutoreply = "/cgi-bin/get_current_autoreply_info";
inline constexpr const char* kTemplate = "/cgi-bin/message/template/send";

inline config::Platform platform_at(const std::string& base,
                                    std::chrono::milliseconds total = std::chrono::seconds(3)) {
    config::Platform p;
    p.wecom_api_base = base;
    p.mp_api_base = base;
    p.connect_timeout = std::chrono::seconds(1);
    p.request_timeout = total;
    return p;
}

inline config::Channel app_channel() {
    config::Channel c;
    c.name = "corp-app";
    c.kind = config::ChannelKind::WeCom;
    c.receive_id = "ww3f8a2b1c4d5e6f70";
    c.secret = "app-secret";
    c.agent_id = 1000002;
    return c;
}

inline config::Channel oa_channel() {
    config::Channel c;
    c.name = "oa";
    c.kind = config::ChannelKind::Mp;
    c.receive_id = "wx8b2c4d6e8f0a1b3c";
    c.secret = "oa-secret";
    return c;
}

inline OutboundMessage text(std::string content, std::vector<std::string> mentions = {}) {
    return OutboundMessage{false, std::move(content), std::move(mentions)};
}
inline OutboundMessage markdown(std::string content, std::vector<std::string> mentions = {}) {
    return OutboundMessage{true, std::move(content), std::move(mentions)};
}

class WecomApiClientTest : public ::testing::Test {
protected:
    test::FakePlatform fake;
    config::Platform platform = platform_at(fake.base_url());
    test::FakeClock clock{from_unix_seconds(1767225600)};
    CurlHttpClient http;
    WecomApiClient client{http, platform, clock};
    config::Channel app = app_channel();

    nlohmann::json body_of(const char* path, std::size_t i = 0) {
        const auto requests = fake.requests(path);
        EXPECT_GT(requests.size(), i);
        return requests.size() > i ? nlohmann::json::parse(requests[i].body) : nlohmann::json();
    }
    std::size_t count(const char* path) { return fake.requests(path).size(); }
};

}  // namespace groupdesk::wecom
