// Internal to the HTTP server: what the listener and the sessions share, and how a session is
// started. Only bot/http_server.cpp and bot/details/http_session.cpp include this.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <mutex>

#include "bot/details/connection_registry.h"
#include "bot/http_server.h"

namespace groupdesk::bot::details {

// What every session shares: the options, the handler, the stop flag and the live connections.
struct ServerState {
    ServerState(HttpServerOptions o, RequestHandler h, boost::asio::io_context& io)
        : options(std::move(o)), handler(std::move(h)), ioc(io), registry(options.limits, stats) {}

    HttpServerOptions options;
    RequestHandler handler;
    boost::asio::io_context& ioc;
    std::atomic<bool> stopping{false};
    std::mutex mutex;  // guards the listener in HttpServer
    HttpServerStats stats;
    ConnectionRegistry registry;
};

// Serves one accepted connection; one the registry refuses is answered 503 and closed.
void start_session(boost::asio::ip::tcp::socket&& socket, ServerState& state);

}  // namespace groupdesk::bot::details
