// HttpServerStats: what the HTTP server counts about its connections, for GET /metrics.
#pragma once

#include <atomic>
#include <cstdint>

namespace groupdesk::bot {

// Written by the server, read by anyone (relaxed atomics: each value is exact, a set of them is
// not one snapshot).
struct HttpServerStats {
    std::atomic<std::uint64_t> connections_open{0};      // admitted, counted in max_connections
    std::atomic<std::uint64_t> connections_rejected{0};  // answered 503 at max_connections
    // Closed at max_connections to admit a new one: no complete request header yet ...
    std::atomic<std::uint64_t> closed_slow_header{0};
    // ... or a keep-alive connection waiting for its next request.
    std::atomic<std::uint64_t> closed_idle{0};
    // Closed at max_buffered_body_bytes: the connection receiving a body the longest.
    std::atomic<std::uint64_t> closed_body_shed{0};
    // Answered 503: the body alone would exceed max_buffered_body_bytes.
    std::atomic<std::uint64_t> bodies_rejected{0};
    std::atomic<std::uint64_t> buffered_body_bytes{0};  // reserved now for bodies being received
};

}  // namespace groupdesk::bot
