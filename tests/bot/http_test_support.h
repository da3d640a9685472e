// Test helpers for HttpServer: a bounded synchronous client over Beast and a server running on
// 127.0.0.1 in a background thread.
#pragma once

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

namespace groupdesk::bot::http_test {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using beast::error_code;

// Only a bound against a hung test; no test depends on it elapsing.
inline constexpr auto kClientBound = std::chrono::seconds(15);

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

inline http::request<http::string_body> make_request(http::verb verb, const std::string& target,
                                                     std::string body = {}, unsigned version = 11) {
    http::request<http::string_body> req(verb, target, version);
    req.set(http::field::host, "127.0.0.1");
    req.body() = std::move(body);
    return req;
}

inline bool closed_by_server(error_code ec) {
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

inline RequestHandler echo_target() {
    return [](const HttpRequest& req, const Respond& respond) {
        respond(HttpResponse::text(200, req.method + " " + req.target));
    };
}

}  // namespace groupdesk::bot::http_test
