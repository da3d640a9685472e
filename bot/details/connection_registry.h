// ConnectionRegistry: the HTTP server's open connections, the bytes reserved for request bodies,
// and which connections to close when http.max_connections or http.max_buffered_body_bytes is
// reached. Standard library only, so the policy is tested without sockets.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>

#include "bot/details/log_throttle.h"
#include "bot/http_server_stats.h"
#include "config/config.h"

namespace groupdesk::bot::details {

// What the registry asks of a connection. Called without the registry's lock held.
class RegisteredConnection {
public:
    virtual void close_soon() = 0;    // close now, on the connection's own thread
    virtual void stop_if_idle() = 0;  // stop(): close if waiting for a request
protected:
    ~RegisteredConnection() = default;
};

// Thread-safe. Policy:
// - At max_connections a new connection closes the oldest connection that has no complete
//   request header: a new one that has not finished its first header, or a kept-alive one
//   waiting for (or sending) its next header. Its age counts from the accept, or from the end
//   of its last answer. Only when there is none is the new connection refused (503).
// - A request whose header is complete reserves its body's size (Content-Length, or
//   max_body_bytes when chunked) until the body is handed over or the connection closes. When a
//   reservation would exceed max_buffered_body_bytes, the connections receiving a body the
//   longest are closed until it fits; a body larger than the whole budget is refused (503).
class ConnectionRegistry {
public:
    using Id = std::uint64_t;
    using Clock = std::chrono::steady_clock;
    static constexpr Id kRefused = 0;

    ConnectionRegistry(const config::HttpLimits& limits, HttpServerStats& stats);

    // A new connection, admitted waiting for its first header, or kRefused.
    Id admit(std::weak_ptr<RegisteredConnection> connection, Clock::time_point now = Clock::now());
    // A kept-alive connection received the first byte of its next request.
    void header_started(Id id);

    enum class Start { Go, Closed, OverBudget };
    // The request header is complete and the body may take `body_bytes` more (0: no body to
    // wait for). Closed: the connection was chosen to be closed meanwhile, close it.
    Start start_request(Id id, std::size_t body_bytes, Clock::time_point now = Clock::now());
    // The body is complete; false when the connection was chosen to be closed meanwhile.
    bool body_done(Id id);
    // Answered; the connection waits for its next request.
    void idle(Id id, Clock::time_point now = Clock::now());
    // The connection is gone: its slot and reservation are free.
    void remove(Id id);
    void stop_idle();

private:
    enum class Stage { Fresh, Idle, Header, Body, Busy };
    struct Entry {
        std::weak_ptr<RegisteredConnection> connection;
        Stage stage;
        Clock::time_point since;  // the order of waiting_ or bodies_
        std::size_t reserved = 0;
        bool closing = false;
    };
    using Queue = std::set<std::pair<Clock::time_point, Id>>;

    std::shared_ptr<RegisteredConnection> close_locked(Id id, Entry& e);
    void release_locked(Id id, Entry& e);
    void publish_locked();

    const std::size_t max_connections_;
    const std::size_t max_buffered_;
    HttpServerStats& stats_;
    std::mutex mutex_;
    std::unordered_map<Id, Entry> entries_;
    Queue waiting_;  // Fresh, Idle and Header, oldest first
    Queue bodies_;   // Body, the longest receiving first
    Id next_id_ = 1;
    std::size_t admitted_ = 0;
    std::size_t buffered_ = 0;
    LogThrottle connection_log_;  // counts: refused, closed
    LogThrottle body_log_;        // counts: refused, shed
};

}  // namespace groupdesk::bot::details
