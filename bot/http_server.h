// HttpServer: accepts connections and turns each complete request into a call of the request
// handler; knows nothing about what a request means. Boost.Beast stays inside http_server.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "bot/http_server_stats.h"
#include "common/http_types.h"
#include "common/result.h"
#include "config/config.h"

namespace groupdesk::bot {

// Sends the response for one request. Call exactly once, from any thread.
using Respond = std::function<void(HttpResponse)>;
// Called on a server thread for each complete request. It must not block: slow work answers
// later through `respond`.
using RequestHandler = std::function<void(HttpRequest, Respond)>;

struct HttpServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 0;  // 0: any free port (tests)
    unsigned threads = 1;
    config::HttpLimits limits;
};

class HttpServer {
public:
    HttpServer(HttpServerOptions options, RequestHandler handler);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and listens. Fails (Unavailable) when the address cannot be bound: refuse to start.
    Status start();
    // The bound port, useful after binding port 0.
    std::uint16_t port() const;
    // Connection counts, for GET /metrics; lives as long as the server.
    const HttpServerStats& stats() const;
    // Serves on `threads` threads (the caller's among them) until stop() and every in-flight
    // request is answered.
    void run();
    // Stops accepting, lets in-flight requests finish, closes idle connections. Any thread,
    // also a signal handler's strand; idempotent.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace groupdesk::bot
