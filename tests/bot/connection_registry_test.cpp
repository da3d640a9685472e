// The connection registry's choices without sockets: which connection makes room at
// max_connections and which bodies are shed at max_buffered_body_bytes.
#include "bot/details/connection_registry.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace groupdesk::bot::details {
namespace {

using Clock = ConnectionRegistry::Clock;
using Start = ConnectionRegistry::Start;

struct FakeConnection final : RegisteredConnection {
    void close_soon() override { closed = true; }
    void stop_if_idle() override {}
    bool closed = false;
};

Clock::time_point at(int seconds) { return Clock::time_point() + std::chrono::seconds(seconds); }

class RegistryTest : public ::testing::Test {
protected:
    ConnectionRegistry& make(std::size_t max_connections, std::size_t max_buffered = 1 << 20) {
        limits_.max_connections = max_connections;
        limits_.max_buffered_body_bytes = max_buffered;
        registry_ = std::make_unique<ConnectionRegistry>(limits_, stats_);
        return *registry_;
    }
    // A new connection admitted at `seconds`; its Id, or kRefused.
    ConnectionRegistry::Id open(int seconds) {
        conns_.push_back(std::make_shared<FakeConnection>());
        return registry_->admit(conns_.back(), at(seconds));
    }
    bool closed(std::size_t i) const { return conns_.at(i)->closed; }

    config::HttpLimits limits_;
    HttpServerStats stats_;
    std::unique_ptr<ConnectionRegistry> registry_;
    std::vector<std::shared_ptr<FakeConnection>> conns_;
};

TEST_F(RegistryTest, AtTheLimitTheOldestConnectionWithoutARequestMakesRoom) {
    auto& r = make(3);
    const auto a = open(0);
    const auto b = open(1);
    open(2);
    ASSERT_EQ(r.start_request(b, 0, at(3)), Start::Go);  // b is being answered: not a candidate
    const auto d = open(4);
    EXPECT_NE(d, ConnectionRegistry::kRefused);
    EXPECT_TRUE(closed(0));
    EXPECT_FALSE(closed(1));
    EXPECT_FALSE(closed(2));
    EXPECT_EQ(r.start_request(a, 0, at(4)), Start::Closed);  // it had been chosen
    open(5);
    EXPECT_TRUE(closed(2));
    EXPECT_FALSE(closed(3));
    EXPECT_EQ(stats_.closed_slow_header.load(), 2u);
    EXPECT_EQ(stats_.connections_open.load(), 3u);
    EXPECT_EQ(stats_.connections_rejected.load(), 0u);
}

TEST_F(RegistryTest, AKeptAliveConnectionIsAsOldAsItsLastAnswer) {
    auto& r = make(2);
    const auto a = open(0);
    open(1);
    ASSERT_EQ(r.start_request(a, 0, at(2)), Start::Go);
    r.idle(a, at(3));
    open(4);  // b (waiting since 1) is older than a (idle since 3)
    EXPECT_TRUE(closed(1));
    EXPECT_FALSE(closed(0));
    open(5);
    EXPECT_TRUE(closed(0));
    EXPECT_EQ(stats_.closed_idle.load(), 1u);
    EXPECT_EQ(stats_.closed_slow_header.load(), 1u);
}

TEST_F(RegistryTest, RefusedOnlyWhenEveryConnectionHasARequest) {
    auto& r = make(1);
    const auto a = open(0);
    ASSERT_EQ(r.start_request(a, 0, at(1)), Start::Go);
    EXPECT_EQ(open(2), ConnectionRegistry::kRefused);
    EXPECT_FALSE(closed(0));
    EXPECT_EQ(stats_.connections_rejected.load(), 1u);
    r.remove(a);
    EXPECT_NE(open(3), ConnectionRegistry::kRefused);
    EXPECT_EQ(stats_.connections_open.load(), 1u);
}

TEST_F(RegistryTest, TheBodiesReceivingLongestAreShedToMakeRoom) {
    auto& r = make(10, 100);
    const auto a = open(0);
    const auto b = open(0);
    const auto c = open(0);
    ASSERT_EQ(r.start_request(a, 60, at(1)), Start::Go);
    ASSERT_EQ(r.start_request(b, 30, at(2)), Start::Go);
    EXPECT_EQ(stats_.buffered_body_bytes.load(), 90u);
    ASSERT_EQ(r.start_request(c, 50, at(3)), Start::Go);
    EXPECT_TRUE(closed(0));
    EXPECT_FALSE(closed(1));
    EXPECT_FALSE(r.body_done(a));  // shed: its body must not reach the handler
    EXPECT_EQ(stats_.buffered_body_bytes.load(), 80u);
    EXPECT_EQ(stats_.closed_body_shed.load(), 1u);
    EXPECT_TRUE(r.body_done(c));
    r.remove(b);
    EXPECT_EQ(stats_.buffered_body_bytes.load(), 0u);
}

TEST_F(RegistryTest, ABodyLargerThanTheWholeBudgetIsRefused) {
    auto& r = make(10, 100);
    const auto a = open(0);
    const auto b = open(0);
    ASSERT_EQ(r.start_request(a, 60, at(1)), Start::Go);
    EXPECT_EQ(r.start_request(b, 101, at(2)), Start::OverBudget);
    EXPECT_FALSE(closed(0));
    EXPECT_EQ(stats_.bodies_rejected.load(), 1u);
    EXPECT_EQ(stats_.buffered_body_bytes.load(), 60u);
}

TEST(LogThrottle, AtMostOneLineASecondWithTheCountsSinceTheLast) {
    LogThrottle throttle;
    auto first = throttle.note(0, at(0));
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->counts[0], 1u);
    for (int i = 0; i < 50; ++i) {
        EXPECT_FALSE(throttle.note(i % 2, at(0) + std::chrono::milliseconds(10 * i)));
    }
    auto next = throttle.note(1, at(1));
    ASSERT_TRUE(next.has_value());
    EXPECT_EQ(next->counts[0], 25u);
    EXPECT_EQ(next->counts[1], 26u);
    EXPECT_DOUBLE_EQ(next->seconds, 1.0);
}

}  // namespace
}  // namespace groupdesk::bot::details
