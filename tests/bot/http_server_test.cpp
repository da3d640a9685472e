// Tests of HttpServer over real sockets on 127.0.0.1: how requests reach the handler and answers
// the client: request mapping, keep-alive, Expect: 100-continue, late, missing and failed answers.
#include <gtest/gtest.h>

#include <atomic>
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

TEST(HttpServerTest, RequestFieldsReachTheHandlerAndTheResponseCarriesItsHeaders) {
    std::promise<HttpRequest> seen;
    RunningServer srv([&](const HttpRequest& req, const Respond& respond) {
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
    RunningServer srv([](const HttpRequest& req, const Respond& respond) {
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
    RunningServer srv(
        [&](const HttpRequest&, Respond respond) { held.set_value(std::move(respond)); });
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
    RunningServer srv([&](const HttpRequest& req, Respond respond) {
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
        [&](const HttpRequest&, const Respond& respond) {
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
    RunningServer srv([](const HttpRequest& req, const Respond& respond) {
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

}  // namespace
}  // namespace groupdesk::bot
