// One WebSocket client connection over plain TCP or TLS. The same steps for both, in a template
// over the stream type; the TLS steps (SNI, certificate and host name checks) only where there is
// a TLS layer.
#include "bot/details/ws_link.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <type_traits>

namespace groupdesk::bot::details {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<ssl::stream<beast::tcp_stream>>;

template <class Ws>
class Link final : public WsLink, public std::enable_shared_from_this<Link<Ws>> {
public:
    static constexpr bool kTls = std::is_same_v<Ws, TlsWs>;

    Link(net::io_context& io, ssl::context& tls, WsAddress at, WsLinkOptions options,
         WsLinkEvents& events)
        : resolver_(io),
          ws_(make_stream(io, tls)),
          at_(std::move(at)),
          options_(options),
          events_(events) {}

    void start() {
        beast::get_lowest_layer(ws_).expires_after(options_.connect_timeout);
        resolver_.async_resolve(
            at_.host, at_.port,
            [self = this->shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
                self->on_resolve(ec, std::move(r));
            });
    }

    void send(std::string text) override {
        if (reported_ || !open_) return;
        queue_.push_back(std::move(text));
        if (queue_.size() == 1) write_next();
    }

    void close() override {
        if (reported_ || closing_) return;
        closing_ = true;
        if (!open_) {
            // Still connecting: cancelling makes the step in progress fail, which reports.
            resolver_.cancel();
            beast::get_lowest_layer(ws_).cancel();
            return;
        }
        ws_.async_close(
            websocket::close_code::normal,
            [self = this->shared_from_this()](beast::error_code) { self->fail("closed"); });
    }

private:
    static Ws make_stream(net::io_context& io, ssl::context& tls) {
        if constexpr (kTls) {
            return Ws(io, tls);
        } else {
            (void)tls;
            return Ws(io);
        }
    }

    void on_resolve(beast::error_code ec, const tcp::resolver::results_type& results) {
        if (ec) return fail("resolving " + at_.host + ": " + ec.message());
        beast::get_lowest_layer(ws_).async_connect(
            results, [self = this->shared_from_this()](beast::error_code e, const tcp::endpoint&) {
                self->on_connect(e);
            });
    }

    void on_connect(beast::error_code ec) {
        if (ec) return fail("connecting to " + at_.host + ":" + at_.port + ": " + ec.message());
        // Frames are small and answers go out back to back: none should wait for the ack of
        // the one before it.
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
        if constexpr (kTls) {
            auto& tls = ws_.next_layer();
            // SNI, then the certificate must be valid for this host name.
            if (SSL_set_tlsext_host_name(tls.native_handle(), at_.host.c_str()) != 1) {
                return fail("TLS: cannot set the server name");
            }
            tls.set_verify_mode(ssl::verify_peer);
            tls.set_verify_callback(ssl::host_name_verification(at_.host));
            tls.async_handshake(ssl::stream_base::client,
                                [self = this->shared_from_this()](beast::error_code e) {
                                    if (e) return self->fail("TLS handshake: " + e.message());
                                    self->handshake();
                                });
        } else {
            handshake();
        }
    }

    void handshake() {
        // From here the WebSocket layer keeps its own time: the handshake and a close may take
        // the connect timeout; an idle connection is watched by the pings above this layer.
        beast::get_lowest_layer(ws_).expires_never();
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = options_.connect_timeout;
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
        ws_.set_option(timeouts);
        ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
            req.set(beast::http::field::user_agent, "GroupDesk");
        }));
        ws_.read_message_max(options_.max_frame_bytes);
        const bool default_port = at_.port == (kTls ? "443" : "80");
        const std::string host = default_port ? at_.host : at_.host + ":" + at_.port;
        ws_.async_handshake(host, at_.target,
                            [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->fail("WebSocket handshake: " + ec.message());
                                self->open_ = true;
                                if (self->closing_) {
                                    self->closing_ = false;
                                    return self->close();
                                }
                                self->events_.on_open();
                                self->read();
                            });
    }

    void read() {
        ws_.async_read(buffer_, [self = this->shared_from_this()](
                                    beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        if (reported_) return;
        if (ec) {
            if (ec == websocket::error::closed) {
                const auto& reason = ws_.reason();
                return fail("closed by the server (code " + std::to_string(reason.code) +
                            (reason.reason.empty() ? "" : ", " + std::string(reason.reason)) + ")");
            }
            return fail(closing_ ? "closed" : "read: " + ec.message());
        }
        std::string text = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        if (ws_.got_text()) events_.on_text(std::move(text));
        if (!reported_) read();
    }

    void write_next() {
        ws_.text(true);
        ws_.async_write(net::buffer(queue_.front()),
                        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                            if (self->reported_) return;
                            if (ec) return self->fail("write: " + ec.message());
                            self->queue_.pop_front();
                            if (!self->queue_.empty()) self->write_next();
                        });
    }

    // Ends the link: closes the socket and reports once; later completions find `reported_`.
    void fail(std::string why) {
        if (reported_) return;
        reported_ = true;
        queue_.clear();
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
        events_.on_closed(std::move(why));
    }

    tcp::resolver resolver_;
    Ws ws_;
    WsAddress at_;
    WsLinkOptions options_;
    WsLinkEvents& events_;
    beast::flat_buffer buffer_;
    std::deque<std::string> queue_;  // the front is being written
    bool open_ = false;
    bool closing_ = false;
    bool reported_ = false;
};

template <class Ws>
std::shared_ptr<WsLink> start_link(net::io_context& io, ssl::context& tls, const WsAddress& at,
                                   const WsLinkOptions& options, WsLinkEvents& events) {
    auto link = std::make_shared<Link<Ws>>(io, tls, at, options, events);
    link->start();
    return link;
}

}  // namespace

Result<WsAddress> parse_ws_url(std::string_view url) {
    WsAddress at;
    if (url.starts_with("wss://")) {
        url.remove_prefix(6);
    } else if (url.starts_with("ws://")) {
        url.remove_prefix(5);
        at.tls = false;
    } else {
        return make_error(ErrorCode::InvalidArgument, "not a ws:// or wss:// URL");
    }
    const std::size_t slash = url.find('/');
    at.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    std::string_view authority = url.substr(0, slash);
    const std::size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
        at.port = std::string(authority.substr(colon + 1));
        authority = authority.substr(0, colon);
    } else {
        at.port = at.tls ? "443" : "80";
    }
    at.host = std::string(authority);
    if (at.host.empty() || at.port.empty()) {
        return make_error(ErrorCode::InvalidArgument, "no host in the URL");
    }
    return at;
}

std::shared_ptr<WsLink> open_ws_link(net::io_context& io, ssl::context& tls, const WsAddress& at,
                                     const WsLinkOptions& options, WsLinkEvents& events) {
    if (at.tls) return start_link<TlsWs>(io, tls, at, options, events);
    return start_link<PlainWs>(io, tls, at, options, events);
}

ssl::context make_tls_client_context() {
    ssl::context tls(ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(ssl::verify_peer);
    return tls;
}

}  // namespace groupdesk::bot::details
