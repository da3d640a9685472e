// Internal to the AI bot's long connection: one WebSocket connection (ws:// or wss:// with the
// certificate and host name verified) — resolve, connect, TLS and WebSocket handshakes, a read
// loop and a write queue — reporting what happens to the one who opened it. It knows nothing of
// the frames' meaning; bot/aibot_connection.cpp does.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace groupdesk::bot::details {

struct WsAddress {
    bool tls = true;
    std::string host;
    std::string port;    // "443" / "80" when the URL has none
    std::string target;  // the path, "/" when the URL has none
};

// "wss://host[:port][/path]" or "ws://…". InvalidArgument otherwise.
Result<WsAddress> parse_ws_url(std::string_view url);

// What a link reports, always on the io_context's thread.
class WsLinkEvents {
public:
    virtual ~WsLinkEvents() = default;
    virtual void on_open() = 0;                   // both handshakes done
    virtual void on_text(std::string text) = 0;   // one whole text frame
    virtual void on_closed(std::string why) = 0;  // once, whether it had opened or not; last
};

class WsLink {
public:
    virtual ~WsLink() = default;
    // Queues a text frame; frames go out in order. Only on the io_context's thread.
    virtual void send(std::string text) = 0;
    // Closes (with a close frame when open); on_closed follows. Only on the io_context's thread.
    virtual void close() = 0;
};

struct WsLinkOptions {
    std::chrono::milliseconds connect_timeout{3000};  // resolve + TCP + TLS + WebSocket handshake
    std::size_t max_frame_bytes = std::size_t{1024} * 1024;
};

// Starts connecting to `at` at once. `events` and `tls` must outlive the link's on_closed.
std::shared_ptr<WsLink> open_ws_link(boost::asio::io_context& io, boost::asio::ssl::context& tls,
                                     const WsAddress& at, const WsLinkOptions& options,
                                     WsLinkEvents& events);

// A client TLS context that verifies the peer against the system's certificate store.
boost::asio::ssl::context make_tls_client_context();

}  // namespace groupdesk::bot::details
