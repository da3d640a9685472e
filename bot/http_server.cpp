// The HTTP server: one io_context on N threads, a listener that accepts connections and starts a
// session for each (bot/details/http_session.cpp), and the graceful stop.
#include "bot/http_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <thread>
#include <vector>

#include "bot/details/http_session.h"

namespace groupdesk::bot {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;
using details::ServerState;

// Accept errors such as EMFILE repeat at once; pause instead of spinning.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(net::io_context& ioc, ServerState& state)
        : ioc_(ioc),
          state_(state),
          acceptor_(net::make_strand(ioc)),
          retry_(acceptor_.get_executor()) {}

    Status open(const tcp::endpoint& ep) {
        error_code ec;
        auto fail = [&](const char* step) {
            return make_error(ErrorCode::Unavailable,
                              fmt::format("http: cannot {} {}:{}: {}", step,
                                          ep.address().to_string(), ep.port(), ec.message()));
        };
        acceptor_.open(ep.protocol(), ec);
        if (ec) return fail("open a socket for");
        acceptor_.set_option(net::socket_base::reuse_address(true), ec);
        if (ec) return fail("configure");
        acceptor_.bind(ep, ec);
        if (ec) return fail("bind");
        acceptor_.listen(net::socket_base::max_listen_connections, ec);
        if (ec) return fail("listen on");
        port_ = acceptor_.local_endpoint(ec).port();
        return ok_status();
    }

    std::uint16_t port() const { return port_; }

    void start() {
        net::post(acceptor_.get_executor(), [self = shared_from_this()] { self->accept(); });
    }

    void stop() {
        net::post(acceptor_.get_executor(), [self = shared_from_this()] {
            error_code ec;
            self->acceptor_.close(ec);
            self->retry_.cancel();
        });
    }

private:
    void accept() {
        if (!acceptor_.is_open()) return;
        acceptor_.async_accept(net::make_strand(ioc_),
                               [self = shared_from_this()](error_code ec, tcp::socket socket) {
                                   self->on_accept(ec, std::move(socket));
                               });
    }

    void on_accept(error_code ec, tcp::socket socket) {
        if (!acceptor_.is_open() || state_.stopping.load()) return;
        if (ec) {
            spdlog::warn("http: accept failed: {}", ec.message());
            retry_.expires_after(kAcceptRetryDelay);
            retry_.async_wait([self = shared_from_this()](error_code) { self->accept(); });
            return;
        }
        // Over the limit a connection is still accepted (answered 503 and closed if no slow one
        // can make room): the client learns at once that we are busy instead of waiting in the
        // kernel's backlog.
        details::start_session(std::move(socket), state_);
        accept();
    }

    net::io_context& ioc_;
    ServerState& state_;
    tcp::acceptor acceptor_;
    net::steady_timer retry_;
    std::uint16_t port_ = 0;
};

unsigned thread_count(unsigned wanted) {
    return wanted ? wanted : std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

struct HttpServer::Impl {
    Impl(HttpServerOptions options, RequestHandler handler)
        : threads(thread_count(options.threads)),
          state(std::move(options), std::move(handler), ioc),
          ioc(static_cast<int>(threads)) {}

    unsigned threads;
    // Declared before ioc: sessions destroyed with the io_context still reach it.
    ServerState state;
    net::io_context ioc;
    std::shared_ptr<Listener> listener;  // guarded by state.mutex
    std::uint16_t port = 0;
};

HttpServer::HttpServer(HttpServerOptions options, RequestHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() = default;

Status HttpServer::start() {
    auto& st = impl_->state;
    {
        std::lock_guard lock(st.mutex);
        if (impl_->listener || st.stopping.load()) {
            return make_error(ErrorCode::FailedPrecondition,
                              "http: server already started or stopped");
        }
    }
    error_code ec;
    auto address = net::ip::make_address(st.options.address, ec);
    if (ec) {
        return make_error(ErrorCode::Unavailable, fmt::format("http: bad listen address '{}': {}",
                                                              st.options.address, ec.message()));
    }
    auto listener = std::make_shared<Listener>(impl_->ioc, st);
    if (auto s = listener->open(tcp::endpoint(address, st.options.port)); !s.ok()) return s;
    {
        std::lock_guard lock(st.mutex);
        if (st.stopping.load()) return make_error(ErrorCode::FailedPrecondition, "http: stopped");
        impl_->listener = listener;
    }
    impl_->port = listener->port();
    listener->start();
    spdlog::info("http: listening on {}:{} with {} thread(s)", st.options.address, impl_->port,
                 impl_->threads);
    return ok_status();
}

std::uint16_t HttpServer::port() const { return impl_->port; }
const HttpServerStats& HttpServer::stats() const { return impl_->state.stats; }

void HttpServer::run() {
    auto loop = [this] {
        for (;;) {
            try {
                impl_->ioc.run();
                return;
            } catch (const std::exception& e) {
                spdlog::error("http: unexpected exception in the event loop: {}", e.what());
            }
        }
    };
    std::vector<std::thread> extra;
    extra.reserve(impl_->threads - 1);
    for (unsigned i = 1; i < impl_->threads; ++i) extra.emplace_back(loop);
    loop();
    for (auto& t : extra) t.join();
}

void HttpServer::stop() {
    auto& st = impl_->state;
    if (st.stopping.exchange(true)) return;
    std::shared_ptr<Listener> listener;
    {
        std::lock_guard lock(st.mutex);
        listener = impl_->listener;
    }
    if (listener) listener->stop();
    st.registry.stop_idle();
}

}  // namespace groupdesk::bot
