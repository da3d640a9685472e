// Starts the real GroupDesk server (App) on a loopback port with a temporary database and the
// demo channels of vectors.json, and stops it again; the same database survives a restart().
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "bot/app.h"
#include "common/clock.h"
#include "config/config.h"
#include "tests/support/fake_clock.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace groupdesk::test {

class ServerTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // A fixture's changes to the demo config, made before the first start.
    virtual void configure(config::Config& /*config*/) {}

    void start();
    void stop();
    void restart() {
        stop();
        start();
    }

    const config::Channel& channel(const std::string& name) const {
        return *config_.find_channel(name);
    }
    ClientResponse get(const std::string& target) { return http_request(port_, "GET", target); }
    ClientResponse post(const std::string& target, const std::string& body,
                        const std::string& content_type = "text/xml") {
        return http_request(port_, "POST", target, body, content_type);
    }
    // The value of one sample line of /metrics, -1 when absent.
    long metric(const std::string& sample);

    // Now on the server's clock, as the platform signs a callback (some tests move the clock).
    std::string timestamp() const { return std::to_string(to_unix_seconds(clock_.now())); }
    // An encrypted callback to the Official Account channel "service-account" from follower
    // oFollower1: `inner` is the XML after CreateTime. The decrypted reply; "" for "success".
    std::string to_account(const std::string& inner);
    // The same with the message's CreateTime (the callback itself is signed now).
    std::string to_account_at(std::int64_t create_time, const std::string& inner);
    // A text message from that follower, with a MsgId of its own, written at `at` (unix
    // seconds; now by default).
    std::string account_text(const std::string& text, std::optional<std::int64_t> at = {});

    config::Config config_;
    test::TempDir dir_{"groupdesk-it-"};
    std::uint16_t port_ = 0;
    // The server's "now": the time the demo vectors were signed, so their timestamps are fresh.
    FakeClock clock_{from_unix_seconds(1767225601)};

private:
    int account_sequence_ = 0;
    std::unique_ptr<bot::App> app_;
    std::thread runner_;
};

}  // namespace groupdesk::test
