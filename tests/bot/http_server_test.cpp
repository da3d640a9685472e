// Tests of HttpServer over real sockets on 127.0.0.1: request mapping, keep-alive, late and
// missing answers, limits, timeouts and graceful stop.
#include "bot/http_server.h"

// Must match gd_http_server's setting: Beast templates instantiated here and in the library with
// different string_view types would break the one-definition rule at link time.
#ifndef BOOST_BEAST_USE_STD_STRING_VIEW
#define BOOST_BEAST_USE_STD_STRING_VIEW
#endif

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace groupdesk::bot {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using beast::error_code;

// Only a bound against a hung test; no test depends on it elapsing.
constexpr auto kClientBound = std::chrono::seconds(15);

// A synchronous-looking client: every operation runs to completion or to kClientBound.
class Client {
public:
    explicit Client(std::uint16_t port) : stream_(ioc_) {
        bounded().async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                                [this](error_code ec) { ec_ = ec; });
        finish();
    }
    error_code connect_error() const { return ec_; }

    error_code send_raw(const std::string& bytes) {
        net::async_write(bounded(), net::buffer(bytes),
                         [this](error_code ec, std::size_t) { ec_ = ec; });
        return finish();
    }
    error_code send(http::request<http::string_body> req) {
        req.prepare_payload();
        http::async_write(bounded(), req, [this](error_code ec, std::size_t) { ec_ = ec; });
        return finish();
    }
    error_code read(http::response<http::string_body>& res) {
        http::async_read(bounded(), buffer_, res, [this](error_code ec, std::size_t) { ec_ = ec; });
        return finish();
    }
    // Reads the response to a HEAD request: headers only, whatever Content-Length says.
    error_code read_head(http::response<http::string_body>& res) {
        http::response_parser<http::string_body> parser;
        parser.skip(true);
        http::async_read(bounded(), buffer_, parser,
                         [this](error_code ec, std::size_t) { ec_ = ec; });
        finish();
        res = parser.release();
        return ec_;
    }
    // Sends a request and reads its response; status 0 on a transport error.
    http::response<http::string_body> exchange(http::request<http::string_body> req) {
        http::response<http::string_body> res;
        if (send(std::move(req)) || read(res)) res.result(http::status::unknown);
        return res;
    }
    // Reads until the server closes; returns the error that ended the read (eof when closed).
    error_code wait_closed() {
        beast::flat_buffer sink;
        for (;;) {
            bounded().async_read_some(sink.prepare(4096),
                                      [this](error_code ec, std::size_t) { ec_ = ec; });
            if (finish()) return ec_;
            sink.clear();
        }
    }
    void close() { stream_.close(); }

private:
    // Every operation is bounded, so a server that never answers fails the test, not hangs it.
    beast::tcp_stream& bounded() {
        stream_.expires_after(kClientBound);
        return stream_;
    }
    error_code finish() {
        ioc_.restart();
        ioc_.run();
        return ec_;
    }

    net::io_context ioc_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    error_code ec_;
};

http::request<http::string_body> make_request(http::verb verb, std::string target,
                                              std::string body = {}, unsigned version = 11) {
    http::request<http::string_body> req(verb, target, version);
    req.set(http::field::host, "127.0.0.1");
    req.body() = std::move(body);
    return req;
}

bool closed_by_server(error_code ec) {
    return ec == net::error::eof || ec == net::error::connection_reset;
}

// A server on 127.0.0.1, port 0, serving in a background thread until destroyed.
class RunningServer {
public:
    RunningServer(RequestHandler handler, config::HttpLimits limits = {}, unsigned threads = 2)
        : server_(HttpServerOptions{"127.0.0.1", 0, threads, limits}, std::move(handler)) {
        start_status_ = server_.start();
        if (start_status_.ok()) thread_ = std::thread([this] { server_.run(); });
    }
    ~RunningServer() { join(); }

    bool started() const { return start_status_.ok(); }
    std::uint16_t port() const { return server_.port(); }
    HttpServer& server() { return server_; }
    // Stops the server and waits for run() to return.
    void join() {
        server_.stop();
        if (thread_.joinable()) thread_.join();
    }

private:
    HttpServer server_;
    Status start_status_;
    std::thread thread_;
};

RequestHandler echo_target() {
    return [](HttpRequest req, Respond respond) {
        respond(HttpResponse::text(200, req.method + " " + req.target));
    };
}

TEST(HttpServerTest, RequestFieldsReachTheHandlerAndTheResponseCarriesItsHeaders) {
    std::promise<HttpRequest> seen;
    RunningServer srv([&](HttpRequest req, Respond respond) {
        seen.set_value(req);
        HttpResponse res = HttpResponse::text(201, "created");
        res.content_type = "application/json";
        res.headers.emplace_back("X-Reply", "yes");
        respond(std::move(res));
    });
    ASSERT_TRUE(srv.started());

    Client client(srv.port());
    ASSERT_FALSE(client.connect_error());
    auto req =
        make_request(http::verb::post, "/callback/corp?msg_signature=abc&nonce=1", "hello body");
    req.set("X-Test", "value 1");
    auto res = client.exchange(std::move(req));

    HttpRequest got = seen.get_future().get();
    EXPECT_EQ(got.method, "POST");
    EXPECT_EQ(got.target, "/callback/corp?msg_signature=abc&nonce=1");
    EXPECT_EQ(got.header("x-test"), "value 1");
    EXPECT_EQ(got.header("Host"), "127.0.0.1");
    EXPECT_EQ(got.header("Content-Length"), "10");
    EXPECT_EQ(got.body, "hello body");
    EXPECT_EQ(got.remote_address, "127.0.0.1");

    EXPECT_EQ(res.result_int(), 201);
    EXPECT_EQ(res.body(), "created");
    EXPECT_EQ(res[http::field::content_type], "application/json");
    EXPECT_EQ(res[http::field::content_length], "7");
    EXPECT_EQ(res[http::field::server], "groupdesk");
    EXPECT_EQ(res["X-Reply"], "yes");
    EXPECT_TRUE(res.keep_alive());
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
    RunningServer srv(echo_target());
    ASSERT_TRUE(srv.started());
    Client client(srv.port());
    auto first = client.exchange(make_request(http::verb::get, "/one"));
    EXPECT_EQ(first.result_int(), 200);
    EXPECT_EQ(first.body(), "GET /one");
    EXPECT_TRUE(first.keep_alive());

    // HEAD gets the length but no body, so the next response on the connection still parses.
    ASSERT_FALSE(client.send(make_request(http::verb::head, "/two")));
    http::response<http::string_body> head;
    ASSERT_FALSE(client.read_head(head));
    EXPECT_EQ(head.result_int(), 200);
    EXPECT_EQ(head[http::field::content_length], "9");

    auto third = client.exchange(make_request(http::verb::get, "/three"));
    EXPECT_EQ(third.result_int(), 200);
    EXPECT_EQ(third.body(), "GET /three");

    // A request split across segments is put together.
    ASSERT_FALSE(client.send_raw("GET /sp"));
    ASSERT_FALSE(client.send_raw("lit HTTP/1.1\r\nHo"));
    ASSERT_FALSE(client.send_raw("st: x\r\n\r\n"));
    http::response<http::string_body> split;
    ASSERT_FALSE(client.read(split));
    EXPECT_EQ(split.body(), "GET /split");

    // Two requests in one segment are answered in order.
    ASSERT_FALSE(
        client.send_raw("GET /p1 HTTP/1.1\r\nHost: x\r\n\r\n"
                        "POST /p2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"));
    http::response<http::string_body> p1, p2;
    ASSERT_FALSE(client.read(p1));
    ASSERT_FALSE(client.read(p2));
    EXPECT_EQ(p1.body(), "GET /p1");
    EXPECT_EQ(p2.body(), "POST /p2");
}

TEST(HttpServerTest, Http10WithoutKeepAliveIsAnsweredThenClosed) {
    RunningServer srv(echo_target());
    ASSERT_TRUE(srv.started());
    Client client(srv.port());
    auto res = client.exchange(make_request(http::verb::get, "/old", {}, 10));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.version(), 10u);
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(closed_by_server(client.wait_closed()));
}

TEST(HttpServerTest, ExpectContinueInvitesTheBody) {
    RunningServer srv([](HttpRequest req, Respond respond) {
        respond(HttpResponse::text(200, "got " + req.body));
    });
    ASSERT_TRUE(srv.started());
    Client client(srv.port());
    ASSERT_FALSE(
        client.send_raw("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                        "Expect: 100-continue\r\n\r\n"));
    http::response<http::string_body> interim;
    ASSERT_FALSE(client.read(interim));
    EXPECT_EQ(interim.result_int(), 100);
    ASSERT_FALSE(client.send_raw("abcde"));
    http::response<http::string_body> res;
    ASSERT_FALSE(client.read(res));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "got abcde");
}

TEST(HttpServerTest, RespondCalledLaterFromAnotherThreadIsDelivered) {
    std::promise<Respond> held;
    RunningServer srv([&](HttpRequest, Respond respond) { held.set_value(std::move(respond)); });
    ASSERT_TRUE(srv.started());
    Client client(srv.port());
    ASSERT_FALSE(client.send(make_request(http::verb::post, "/slow", "x")));

    // The handler has returned; this (test) thread answers after it.
    Respond respond = held.get_future().get();
    respond(HttpResponse::text(202, "done later"));
    http::response<http::string_body> res;
    ASSERT_FALSE(client.read(res));
    EXPECT_EQ(res.result_int(), 202);
    EXPECT_EQ(res.body(), "done later");
}

TEST(HttpServerTest, RespondDroppedWithoutCallYields500) {
    std::promise<Respond> held;
    RunningServer srv([&](HttpRequest req, Respond respond) {
        if (req.target == "/keep") held.set_value(std::move(respond));
        // otherwise dropped here, on the server thread
    });
    ASSERT_TRUE(srv.started());
    Client client(srv.port());
    auto dropped = client.exchange(make_request(http::verb::get, "/drop"));
    EXPECT_EQ(dropped.result_int(), 500);
    EXPECT_EQ(dropped.body(), "internal error");

    // Kept by another thread, then destroyed there without being called.
    ASSERT_FALSE(client.send(make_request(http::verb::get, "/keep")));
    { Respond respond = held.get_future().get(); }
    http::response<http::string_body> res;
    ASSERT_FALSE(client.read(res));
    EXPECT_EQ(res.result_int(), 500);
}

TEST(HttpServerTest, BodyOverTheLimitGets413AndTheConnectionCloses) {
    config::HttpLimits limits;
    limits.max_body_bytes = 1024;
    std::atomic<int> calls{0};
    RunningServer srv(
        [&](HttpRequest, Respond respond) {
            ++calls;
            respond(HttpResponse::text(200, "ok"));
        },
        limits);
    ASSERT_TRUE(srv.started());

    Client at_limit(srv.port());
    EXPECT_EQ(
        at_limit.exchange(make_request(http::verb::post, "/", std::string(1024, 'a'))).result_int(),
        200);

    Client sized(srv.port());
    auto res = sized.exchange(make_request(http::verb::post, "/", std::string(4096, 'a')));
    EXPECT_EQ(res.result_int(), 413);
    EXPECT_EQ(res.body(), "request body too large");
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(closed_by_server(sized.wait_closed()));

    // Chunked: no length up front, so the limit applies while the body arrives.
    Client chunked(srv.port());
    std::string chunk(800, 'b');
    ASSERT_FALSE(
        chunked.send_raw("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "320\r\n" +
                         chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
    http::response<http::string_body> res2;
    ASSERT_FALSE(chunked.read(res2));
    EXPECT_EQ(res2.result_int(), 413);
    EXPECT_TRUE(closed_by_server(chunked.wait_closed()));
    EXPECT_EQ(calls.load(), 1);
}

TEST(HttpServerTest, GarbageRequestLineGets400AndTheConnectionCloses) {
    RunningServer srv(echo_target());
    ASSERT_TRUE(srv.started());
    Client client(srv.port());
    ASSERT_FALSE(client.send_raw("\x01\x02 what is this\r\n\r\n"));
    http::response<http::string_body> res;
    ASSERT_FALSE(client.read(res));
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_FALSE(res.keep_alive());
    EXPECT_TRUE(closed_by_server(client.wait_closed()));
}

TEST(HttpServerTest, HandlerExceptionGives500AndTheServerKeepsServing) {
    RunningServer srv([](HttpRequest req, Respond respond) {
        if (req.target == "/throw") throw std::runtime_error("boom");
        respond(HttpResponse::text(200, "fine"));
    });
    ASSERT_TRUE(srv.started());
    Client client(srv.port());
    EXPECT_EQ(client.exchange(make_request(http::verb::get, "/throw")).result_int(), 500);
    EXPECT_EQ(client.exchange(make_request(http::verb::get, "/ok")).body(), "fine");
    Client other(srv.port());
    EXPECT_EQ(other.exchange(make_request(http::verb::get, "/ok")).result_int(), 200);
}

TEST(HttpServerTest, IncompleteHeadersAreCutOffAfterTheHeaderTimeout) {
    config::HttpLimits limits;
    limits.header_timeout = std::chrono::seconds(1);
    RunningServer srv(echo_target(), limits);
    ASSERT_TRUE(srv.started());
    Client slow(srv.port());
    ASSERT_FALSE(slow.send_raw("GET / HTTP/1.1\r\nHost: x\r\n"));
    EXPECT_TRUE(closed_by_server(slow.wait_closed()));
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

TEST(HttpServerTest, ConnectionsBeyondTheLimitGet503) {
    config::HttpLimits limits;
    limits.max_connections = 2;
    RunningServer srv(echo_target(), limits);
    ASSERT_TRUE(srv.started());
    Client a(srv.port());
    Client b(srv.port());
    // A served request proves the server counts the connection.
    ASSERT_EQ(a.exchange(make_request(http::verb::get, "/a")).result_int(), 200);
    ASSERT_EQ(b.exchange(make_request(http::verb::get, "/b")).result_int(), 200);

    Client c(srv.port());
    auto busy = c.exchange(make_request(http::verb::get, "/c"));
    EXPECT_EQ(busy.result_int(), 503);
    EXPECT_TRUE(closed_by_server(c.wait_closed()));
    EXPECT_EQ(a.exchange(make_request(http::verb::get, "/a2")).result_int(), 200);

    // Once a connection goes, a new one is served. The server learns of the close on its own
    // schedule, so try again (a bounded number of times) until it has.
    a.close();
    int status = 0;
    for (int attempt = 0; attempt < 2000 && status != 200; ++attempt) {
        Client d(srv.port());
        status = d.exchange(make_request(http::verb::get, "/d")).result_int();
        if (status != 200) {
            EXPECT_EQ(status, 503);
        }
    }
    EXPECT_EQ(status, 200);
}

TEST(HttpServerTest, StopClosesIdleConnectionsAndAnswersInFlightRequests) {
    std::promise<Respond> held;
    RunningServer srv([&](HttpRequest req, Respond respond) {
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
