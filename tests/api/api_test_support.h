// The API tests' fixture: a TicketsApi over the real TicketService and an observed in-memory store,
// an admin and an agent token, and a quiet log.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "api/tickets_api.h"
#include "tests/support/fake_clock.h"
#include "tests/support/observed_ticket_store.h"

namespace groupdesk::api::test {

inline const std::string kAdminToken = "admin-token-0123456789abcdefghijklmnop";
inline const std::string kAgentToken = "agent-token-0123456789abcdefghijklmnop";
inline const std::string kNewTicket = R"({"title": "Printer on fire", "channel": "group-bot",
                                   "group": "wrkSFfCgAAxxxx", "priority": "high"})";

inline std::string header(const HttpResponse& r, std::string_view name) {
    for (const auto& [key, value] : r.headers) {
        if (key == name) return value;
    }
    return {};
}

class TicketsApiTest : public ::testing::Test {
protected:
    // One info line per request would bury the test output; the log test installs its own sink.
    void SetUp() override {
        previous_logger_ = spdlog::default_logger();
        spdlog::set_default_logger(std::make_shared<spdlog::logger>(
            "api-quiet", std::make_shared<spdlog::sinks::null_sink_mt>()));
    }
    void TearDown() override { spdlog::set_default_logger(previous_logger_); }
    std::shared_ptr<spdlog::logger> previous_logger_;

    static config::Config routes_config() {
        config::Config config;
        config::Channel bot;
        bot.name = "group-bot";
        bot.kind = config::ChannelKind::AiBot;
        config.channels.push_back(bot);
        return config;
    }

    ::groupdesk::test::ObservedTicketStore store;
    const config::Config config_ = routes_config();
    tickets::Announcer announcer{config_};  // every REST change writes a notification row
    tickets::TicketService service{store, &announcer};
    ::groupdesk::test::FakeClock clock{from_unix_seconds(1798765432)};  // 2027-01-01T01:03:52Z
    int retries_announced = 0;
    TicketsApi api{service,
                   clock,
                   {{"ops-console", kAdminToken, config::ApiToken::Role::Admin},
                    {"helpdesk", kAgentToken, config::ApiToken::Role::Agent}},
                   &store.inner().outbox(),
                   [this] { ++retries_announced; }};

    HttpResponse call(std::string method, std::string target, std::string body = {},
                      const std::string& token = kAgentToken,
                      const std::string& content_type = "application/json") {
        HttpRequest request;
        request.method = std::move(method);
        request.target = std::move(target);
        request.body = std::move(body);
        if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
        if (!content_type.empty()) request.headers.emplace_back("Content-Type", content_type);
        return api.handle(request);
    }

    // Answers `status` with an error body; returns the "error" object.
    static nlohmann::json expect_error(const HttpResponse& r, int status);
    // Creates kNewTicket; its number.
    std::int64_t create(const std::string& token = kAgentToken);
};

}  // namespace groupdesk::api::test
