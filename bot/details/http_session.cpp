// One HTTP/1.x connection over Boost.Beast: reads a request within the header and body timeouts,
// hands it to the request handler, writes the answer, and keeps the connection alive or lingers
// and closes it.
#include "bot/details/http_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <string>
#include <vector>

namespace groupdesk::bot::details {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using beast::error_code;
using Clock = std::chrono::steady_clock;

// Real request headers are well under 8 KiB; 16 KiB bounds memory per connection.
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// Before closing after an error reply we read (and drop) what the client still sends, so the
// kernel does not answer unread data with a reset that would destroy our reply in flight.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = std::size_t{256} * 1024;
// A buffer that grew for a large request is given back instead of being kept per connection.
constexpr std::size_t kKeepBufferBytes = std::size_t{16} * 1024;
constexpr std::size_t kReadChunk = 4096;
constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";

std::string to_upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    return out;
}

}  // namespace

// One connection on its own strand: Idle → Header → Body → Handling → Writing, then Idle again
// (keep-alive) or Closing.
class Session final : public RegisteredConnection, public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, ServerState& state)
        : stream_(std::move(socket)),
          state_(state),
          // From the accept on: the wait for the first byte counts against the header timeout.
          header_deadline_(Clock::now() + state.options.limits.header_timeout) {
        error_code ec;
        auto ep = stream_.socket().remote_endpoint(ec);
        remote_ = ec ? std::string("?") : ep.address().to_string();
    }
    ~Session() {
        if (id_ != ConnectionRegistry::kRefused) state_.registry.remove(id_);
    }

    // `id` from the registry; kRefused: answer 503 and close.
    void start(ConnectionRegistry::Id id) {
        id_ = id;
        net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            if (self->id_ == ConnectionRegistry::kRefused) return self->refuse();
            self->wait_for_request();
        });
    }

    // The registry chose this connection to make room: no answer, the client was too slow.
    void close_soon() override {
        net::post(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
    }

    // stop(): a connection waiting for its next request, with nothing read, is closed now.
    void stop_if_idle() override {
        net::post(stream_.get_executor(), [self = shared_from_this()] {
            if (self->phase_ == Phase::Idle) self->close();
        });
    }

    net::any_io_executor executor() { return stream_.get_executor(); }
    const std::string& remote() const { return remote_; }

    // On the strand: writes the answer to the request being handled.
    void send(HttpResponse r);

private:
    enum class Phase { Idle, Header, Body, Handling, Writing, Closing };

    // Refused by the registry (which logs refusals, at most once a second): 503 and close.
    void refuse() {
        phase_ = Phase::Handling;
        keep_alive_ = false;
        send(HttpResponse::text(503, "server busy"));
    }

    void wait_for_request() {
        phase_ = Phase::Idle;
        if (buffer_.size() > 0) return read_header();  // the client pipelined its next request
        if (state_.stopping.load()) return close();
        if (buffer_.capacity() > kKeepBufferBytes) buffer_.shrink_to_fit();
        // A new connection must have sent its whole header by header_deadline_; a kept-alive one
        // may wait idle_timeout for the next request, whose header_timeout starts at its first
        // byte.
        stream_.expires_at(fresh_ ? header_deadline_
                                  : Clock::now() + state_.options.limits.idle_timeout);
        stream_.async_read_some(
            buffer_.prepare(kReadChunk),
            beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
    }

    void on_first_bytes(error_code ec, std::size_t n) {
        if (phase_ == Phase::Closing) return;  // closed by stop() meanwhile
        if (ec) {
            if (ec == beast::error::timeout) spdlog::debug("http: {}: idle timeout", remote_);
            return close();
        }
        buffer_.commit(n);
        read_header();
    }

    void read_header() {
        if (!fresh_) {
            header_deadline_ = Clock::now() + state_.options.limits.header_timeout;
            state_.registry.header_started(id_);
        }
        phase_ = Phase::Header;
        version_ = 11;
        head_ = false;
        parser_.emplace();
        parser_->header_limit(kHeaderLimit);
        parser_->body_limit(state_.options.limits.max_body_bytes);
        // Not past the header: the body is reserved in the registry before Beast allocates it.
        parser_->eager(false);
        // Most requests arrive whole in one segment: parse what is buffered before going async.
        if (auto ec = parse_buffered()) return on_read_error(ec);
        if (parser_->is_header_done()) return on_header({}, 0);
        // One deadline for the whole header: a byte now and then does not extend it.
        stream_.expires_at(header_deadline_);
        http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Session::on_header, shared_from_this()));
    }

    // Feeds the buffered bytes to the parser, up to the end of the header or, once the body is
    // reserved, of the message; running short of bytes is no error here.
    error_code parse_buffered() {
        error_code ec;
        while (buffer_.size() > 0 &&
               !(phase_ == Phase::Body ? parser_->is_done() : parser_->is_header_done())) {
            auto used = parser_->put(buffer_.data(), ec);
            buffer_.consume(used);
            if (ec == http::error::need_more) return {};
            if (ec || used == 0) break;
        }
        return ec;
    }

    void on_header(error_code ec, std::size_t) {
        if (ec) return on_read_error(ec);
        // Content-Length is within max_body_bytes (the parser checked); a chunked body may grow
        // to max_body_bytes, so that is reserved.
        const auto length = parser_->content_length();
        const std::size_t reserve = parser_->is_done() ? 0
                                    : length           ? static_cast<std::size_t>(*length)
                                                       : state_.options.limits.max_body_bytes;
        switch (state_.registry.start_request(id_, reserve)) {
            case ConnectionRegistry::Start::Closed:
                return close();
            case ConnectionRegistry::Start::OverBudget:
                return refuse();
            case ConnectionRegistry::Start::Go:
                break;
        }
        if (parser_->is_done()) return handle_request();
        phase_ = Phase::Body;
        parser_->eager(true);
        if (auto pec = parse_buffered()) return on_read_error(pec);
        if (parser_->is_done()) return on_body();
        stream_.expires_after(state_.options.limits.body_timeout);
        const auto& req = parser_->get();
        if (req.version() == 11 && beast::iequals(req[http::field::expect], "100-continue")) {
            // The body limit has been checked against Content-Length already: invite the body.
            return net::async_write(stream_, net::buffer(kContinue, sizeof(kContinue) - 1),
                                    [self = shared_from_this()](error_code wec, std::size_t) {
                                        if (wec) return self->close();
                                        self->read_body();
                                    });
        }
        read_body();
    }

    void read_body() {
        http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](error_code ec, std::size_t) {
                             if (ec) return self->on_read_error(ec);
                             self->on_body();
                         });
    }

    void on_body() {
        if (!state_.registry.body_done(id_)) return close();  // shed meanwhile
        handle_request();
    }

    void on_read_error(error_code ec) {
        const char* what = phase_ == Phase::Body ? "body" : "header";
        if (ec == beast::error::timeout) {
            spdlog::debug("http: {}: {} timeout", remote_, what);
            return close();
        }
        if (ec.category() != http::make_error_code(http::error::need_more).category() ||
            ec == http::error::end_of_stream || ec == http::error::partial_message) {
            return close();  // the peer went away or the socket failed: nobody to answer
        }
        phase_ = Phase::Handling;
        keep_alive_ = false;
        if (ec == http::error::body_limit) {
            spdlog::info("http: {}: request body over {} bytes, answering 413", remote_,
                         state_.options.limits.max_body_bytes);
            return send(HttpResponse::text(413, "request body too large"));
        }
        std::string reason = ec == http::error::header_limit ? "request header too large"
                                                             : "bad request: " + ec.message();
        spdlog::info("http: {}: {}, answering 400", remote_, reason);
        send(HttpResponse::text(400, std::move(reason)));
    }

    void handle_request();
    void on_write(error_code ec, std::size_t);
    void linger();
    void on_linger(error_code ec, std::size_t n);

    void close() {
        phase_ = Phase::Closing;
        stream_.close();
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> res_;
    ServerState& state_;
    Clock::time_point header_deadline_;
    std::string remote_;
    Phase phase_ = Phase::Idle;
    ConnectionRegistry::Id id_ = ConnectionRegistry::kRefused;
    bool fresh_ = true;  // no request read yet on this connection
    bool keep_alive_ = false;
    bool head_ = false;
    unsigned version_ = 11;
    std::size_t lingered_ = 0;
};

namespace {

// The shared state behind one Respond. Answers 500 if every copy of Respond is dropped unused,
// so the client never hangs; holds work on the io_context so run() waits for the answer.
class PendingResponse {
public:
    PendingResponse(std::shared_ptr<Session> session, net::io_context& ioc)
        : session_(std::move(session)), work_(ioc.get_executor()) {}
    PendingResponse(const PendingResponse&) = delete;
    PendingResponse& operator=(const PendingResponse&) = delete;
    ~PendingResponse() {
        if (answered_.exchange(true)) return;
        spdlog::error("http: {}: request dropped without an answer; answering 500",
                      session_->remote());
        deliver(HttpResponse::text(500, "internal error"));
    }

    // False when an answer was given already.
    bool try_answer(HttpResponse r) {
        if (answered_.exchange(true)) return false;
        deliver(std::move(r));
        return true;
    }

private:
    void deliver(HttpResponse r) {
        {
            auto ex = session_->executor();
            // Inline when the handler answers on the session's strand, else queued onto it.
            net::dispatch(ex, [s = std::move(session_), r = std::move(r)]() mutable {
                s->send(std::move(r));
            });
        }
        // Only now, with this thread's copy of the executor gone: once the work is released the
        // io_context may finish and be destroyed, and the copy's strand lives in its services.
        work_.reset();  // after dispatch: the queued write now keeps run() going
    }

    std::shared_ptr<Session> session_;
    net::executor_work_guard<net::io_context::executor_type> work_;
    std::atomic<bool> answered_{false};
};

}  // namespace

void Session::handle_request() {
    phase_ = Phase::Handling;
    fresh_ = false;
    auto& req = parser_->get();
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    head_ = req.method() == http::verb::head;

    HttpRequest out;
    out.method = to_upper(req.method_string());
    out.target = std::string(req.target());
    out.headers.reserve(static_cast<std::size_t>(std::distance(req.begin(), req.end())));
    for (const auto& f : req) out.headers.emplace_back(f.name_string(), f.value());
    out.body = std::move(req.body());
    out.remote_address = remote_;

    auto pending = std::make_shared<PendingResponse>(shared_from_this(), state_.ioc);
    Respond respond = [pending](HttpResponse r) {
        if (!pending->try_answer(std::move(r))) {
            spdlog::error("http: Respond called more than once; extra answer dropped");
        }
    };
    // Last-resort catch: a throwing handler costs one 500, not the server.
    try {
        state_.handler(std::move(out), std::move(respond));
    } catch (const std::exception& e) {
        spdlog::error("http: {}: request handler threw: {}", remote_, e.what());
        pending->try_answer(HttpResponse::text(500, "internal error"));
    } catch (...) {
        spdlog::error("http: {}: request handler threw a non-exception", remote_);
        pending->try_answer(HttpResponse::text(500, "internal error"));
    }
}

void Session::send(HttpResponse r) {
    if (phase_ != Phase::Handling) {
        spdlog::error("http: {}: answer arrived for no pending request; dropped", remote_);
        return;
    }
    phase_ = Phase::Writing;
    if (r.status < 200 || r.status > 599) {
        spdlog::error("http: {}: invalid status {} from handler; sending 500", remote_, r.status);
        r = HttpResponse::text(500, "internal error");
    }
    res_ = {};
    res_.result(static_cast<unsigned>(r.status));
    res_.version(version_);
    for (auto& [name, value] : r.headers) {
        // A CR or LF would let a value forge headers or split the response.
        if (name.find_first_of("\r\n:") != std::string::npos ||
            value.find_first_of("\r\n") != std::string::npos) {
            spdlog::error("http: response header '{}' has a line break; dropped", name);
            continue;
        }
        res_.insert(name, value);
    }
    res_.set(http::field::server, "groupdesk");
    res_.set(http::field::content_type, r.content_type);
    if (r.status != 204 && r.status != 304) {
        res_.content_length(r.body.size());
        if (!head_) res_.body() = std::move(r.body);  // HEAD: the length of what GET would send
    }
    keep_alive_ = keep_alive_ && !state_.stopping.load();
    res_.keep_alive(keep_alive_);
    // The client must take the answer as fast as it must send a body.
    stream_.expires_after(state_.options.limits.body_timeout);
    http::async_write(stream_, res_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
}

void Session::on_write(error_code ec, std::size_t) {
    if (ec) {
        spdlog::debug("http: {}: write failed: {}", remote_, ec.message());
        return close();
    }
    res_.body().clear();
    if (!keep_alive_) return linger();
    state_.registry.idle(id_);
    wait_for_request();
}

void Session::linger() {
    phase_ = Phase::Closing;
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    buffer_.clear();
    stream_.expires_after(kLingerTime);
    on_linger(ec, 0);
}

void Session::on_linger(error_code ec, std::size_t n) {
    lingered_ += n;
    if (ec || lingered_ > kLingerBytes) return close();
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::on_linger, shared_from_this()));
}

void start_session(tcp::socket&& socket, ServerState& state) {
    auto session = std::make_shared<Session>(std::move(socket), state);
    session->start(state.registry.admit(session));
}

}  // namespace groupdesk::bot::details
