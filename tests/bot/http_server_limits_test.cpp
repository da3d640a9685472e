// Tests of HttpServer over real sockets on 127.0.0.1: what protects it: size limits, header, body
// and idle timeouts, the connection limit, graceful stop and start failures.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/bot/http_test_support.h"

namespace groupdesk::bot {
namespace {

using namespace http_test;

TEST(HttpServerTest, IncompleteHeadersAreCutOffAfterTheHeaderTimeout) {
    config::HttpLimits limits;
    limits.header_timeout = std::chrono::seconds(1);
    RunningServer srv(echo_target(), limits);
    ASSERT_TRUE(srv.started());
    Client slow(srv.port());
    ASSERT_FALSE(slow.send_raw("GET / HTTP/1.1\r\nHost: x\r\n"));
    EXPECT_TRUE(closed_by_server(slow.wait_closed()));
}

TEST(HttpServerTest, TheFirstByteDoesNotRestartTheHeaderTimeout) {
    config::HttpLimits limits;
    limits.header_timeout = std::chrono::seconds(2);
    RunningServer srv(echo_target(), limits);
    ASSERT_TRUE(srv.started());
    const auto accepted = std::chrono::steady_clock::now();
    Client slow(srv.port());
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ASSERT_FALSE(slow.send_raw("G"));
    EXPECT_TRUE(closed_by_server(slow.wait_closed()));
    // Closed 2 s after the accept; a restarted timeout would close it only at 3.5 s.
    EXPECT_LT(std::chrono::steady_clock::now() - accepted, std::chrono::milliseconds(2750));
}

TEST(HttpServerTest, SlowBodiesAndIdleKeepAliveConnectionsAreClosed) {
    config::HttpLimits limits;
    limits.body_timeout = std::chrono::seconds(1);
    limits.idle_timeout = std::chrono::seconds(1);
    RunningServer srv(echo_target(), limits);
    ASSERT_TRUE(srv.started());
    Client slow_body(srv.port());
    ASSERT_FALSE(slow_body.send_raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab"));
    Client idle(srv.port());
    ASSERT_EQ(idle.exchange(make_request(http::verb::get, "/")).result_int(), 200);
    EXPECT_TRUE(closed_by_server(slow_body.wait_closed()));
    EXPECT_TRUE(closed_by_server(idle.wait_closed()));
}

TEST(HttpServerTest, ManyIdleAndSlowConnectionsDoNotDelayARequest) {
    RunningServer srv(echo_target(), {}, 1);
    ASSERT_TRUE(srv.started());
    net::io_context ioc;
    std::vector<tcp::socket> idle;
    const tcp::endpoint ep(net::ip::make_address("127.0.0.1"), srv.port());
    for (int i = 0; i < 200; ++i) {
        idle.emplace_back(ioc).connect(ep);
        // Half say nothing; half start a request and never finish it.
        if (i % 2) net::write(idle.back(), net::buffer(std::string("GET /slow HTTP/1.1\r\nHo")));
    }
    Client client(srv.port());
    auto res = client.exchange(make_request(http::verb::get, "/fast"));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "GET /fast");
    for (auto& s : idle) s.close();
}

TEST(HttpServerTest, StopClosesIdleConnectionsAndAnswersInFlightRequests) {
    std::promise<Respond> held;
    RunningServer srv([&](const HttpRequest& req, Respond respond) {
        if (req.target == "/slow") return held.set_value(std::move(respond));
        respond(HttpResponse::text(200, "quick"));
    });
    ASSERT_TRUE(srv.started());
    const auto port = srv.port();
    Client idle(port);
    ASSERT_EQ(idle.exchange(make_request(http::verb::get, "/warm")).result_int(), 200);
    Client busy(port);
    ASSERT_FALSE(busy.send(make_request(http::verb::get, "/slow")));
    Respond respond = held.get_future().get();

    srv.server().stop();
    srv.server().stop();  // idempotent
    EXPECT_TRUE(closed_by_server(idle.wait_closed()));

    respond(HttpResponse::text(200, "answered after stop"));
    http::response<http::string_body> res;
    ASSERT_FALSE(busy.read(res));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "answered after stop");
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(closed_by_server(busy.wait_closed()));

    busy.close();
    srv.join();  // run() returns
    Client late(port);
    EXPECT_TRUE(late.connect_error());
}

TEST(HttpServerTest, StopBeforeAnyConnectionMakesRunReturn) {
    RunningServer srv(echo_target(), {}, 3);
    ASSERT_TRUE(srv.started());
    srv.join();
    SUCCEED();
}

TEST(HttpServerTest, StartFailsWhenThePortIsTakenOrTheAddressIsBad) {
    RunningServer first(echo_target());
    ASSERT_TRUE(first.started());

    HttpServer second(HttpServerOptions{"127.0.0.1", first.port(), 1, {}}, echo_target());
    Status taken = second.start();
    ASSERT_FALSE(taken.ok());
    EXPECT_EQ(taken.error().code, ErrorCode::Unavailable);
    EXPECT_NE(taken.error().message.find("bind"), std::string::npos) << taken.error().message;

    HttpServer third(HttpServerOptions{"not-an-address", 0, 1, {}}, echo_target());
    Status bad = third.start();
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::Unavailable);
}

}  // namespace
}  // namespace groupdesk::bot
