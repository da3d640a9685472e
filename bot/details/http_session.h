// Internal to the HTTP server: what the listener and the sessions share, and how a session is
// started. Only bot/http_server.cpp and bot/details/http_session.cpp include this.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "bot/http_server.h"

namespace groupdesk::bot::details {

class Session;

// What every session shares: the options, the handler, the stop flag and the live sessions.
struct ServerState {
    ServerState(HttpServerOptions o, RequestHandler h, boost::asio::io_context& io)
        : options(std::move(o)), handler(std::move(h)), ioc(io) {}

    HttpServerOptions options;
    RequestHandler handler;
    boost::asio::io_context& ioc;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> connections{0};
    std::mutex mutex;
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions;

    void add(const std::shared_ptr<Session>& s);
    void remove(Session* s);
    // stop(): closes every connection that is waiting for its next request.
    void close_idle_sessions();
};

// Serves one accepted connection. With `reject` (over max_connections) it answers 503 and closes.
void start_session(boost::asio::ip::tcp::socket&& socket, ServerState& state, bool reject);

}  // namespace groupdesk::bot::details
