// The fake AI-bot long-connection endpoint: an asynchronous Beast WebSocket server on its own
// io_context thread. Sockets and sessions are touched only on that thread; the test-facing state
// (counters, settings, received frames) sits behind a mutex so the wait_* calls can block on it.
#include "tests/support/fake_aibot_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <utility>

namespace groupdesk::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Json = nlohmann::json;

namespace {

constexpr std::int64_t kBadCredentials = 853000;

std::string errmsg_for(std::int64_t errcode) {
    if (errcode == 0) return "ok";
    if (errcode == kBadCredentials) return "invalid bot_id or secret";
    return errcode == 45009 ? "api freq out of limit" : "subscription refused";
}

Json ack(const Json& req_id, std::int64_t errcode, const std::string& errmsg) {
    return Json{{"headers", {{"req_id", req_id}}}, {"errcode", errcode}, {"errmsg", errmsg}};
}

std::string string_member(const Json& obj, const char* key) {
    if (!obj.is_object()) return {};
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

struct FakeAiBotServer::State {
    class Session;  // nested, so it may name State and stays out of the namespace

    explicit State(Options opts) : options(std::move(opts)) {}

    // Runs `fn` on the io thread and waits for it, so callers see its effect on return.
    template <typename Fn>
    auto on_io(Fn fn) -> decltype(fn()) {
        if (io.get_executor().running_in_this_thread()) return fn();
        std::packaged_task<decltype(fn())()> task(std::move(fn));
        auto result = task.get_future();
        asio::post(io, [&task] { task(); });
        return result.get();
    }

    void accept();
    void opened(const std::shared_ptr<Session>& session);
    void closed(const Session* session);
    void record(Json frame);
    void answer(Session& session, const Json& frame);
    bool deliver(std::string text);  // to the open connection; false when there is none
    bool send_frame(const std::string& cmd, std::string_view req_id, const Json& body);

    const Options options;

    // Guards everything below it up to the io part.
    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::int64_t refuse_code = 0;
    std::int64_t push_errcode = 0;
    std::string push_errmsg = "ok";
    bool hang_pushes = false;
    int subscriptions = 0;
    int connections = 0;
    bool connected = false;
    std::vector<Json> received;
    int next_event = 1;

    // The io part: declared first among the Beast members so it is destroyed last, after the
    // sockets below; handlers it still holds release their sessions in its destructor.
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    const std::uint16_t port = acceptor.local_endpoint().port();
    std::shared_ptr<Session> current;  // the connection served now; io thread only
    std::thread thread;
};

// One WebSocket connection. Beast allows one outstanding write per stream, so frames wait in a
// queue; a close frame goes through the same queue so it never overlaps a write.
class FakeAiBotServer::State::Session : public std::enable_shared_from_this<Session> {
public:
    Session(State& state, tcp::socket socket) : state_(state), ws_(std::move(socket)) {}

    void start() {
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = std::chrono::seconds(5);  // also bounds the close handshake
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
        ws_.set_option(timeouts);
        ws_.async_accept([self = shared_from_this()](beast::error_code ec) {
            if (ec) return;
            self->state_.opened(self);
            self->read();
        });
    }

    void send(std::string text) { enqueue(Item{false, std::move(text)}); }
    void close() { enqueue(Item{true, {}}); }

    // A network drop: RST instead of a close frame, so the client's next read fails.
    void abort() {
        dead_ = true;
        beast::error_code ignored;
        auto& socket = beast::get_lowest_layer(ws_).socket();
        socket.set_option(asio::socket_base::linger(true, 0), ignored);
        socket.close(ignored);
    }

private:
    struct Item {
        bool close = false;
        std::string text;
    };

    void read() {
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) {
                self->dead_ = true;
                self->state_.closed(self.get());
                return;
            }
            const std::string text = beast::buffers_to_string(self->buffer_.data());
            self->buffer_.consume(self->buffer_.size());
            Json frame = Json::parse(text, nullptr, /*allow_exceptions=*/false);
            if (frame.is_discarded()) frame = text;  // kept as a JSON string
            self->state_.record(frame);
            self->state_.answer(*self, frame);
            self->read();
        });
    }

    void enqueue(Item item) {
        if (dead_ || closing_) return;
        queue_.push_back(std::move(item));
        if (queue_.size() == 1) write_next();
    }

    void write_next() {
        auto self = shared_from_this();
        if (queue_.front().close) {
            closing_ = true;
            queue_.clear();
            ws_.async_close(websocket::close_code::normal, [self](beast::error_code) {});
            return;
        }
        ws_.text(true);
        ws_.async_write(asio::buffer(queue_.front().text),
                        [self](beast::error_code ec, std::size_t) {
                            if (ec) {
                                self->queue_.clear();
                                return;
                            }
                            self->queue_.pop_front();
                            if (!self->queue_.empty()) self->write_next();
                        });
    }

    State& state_;  // outlives every session: sessions die with its io_context
    websocket::stream<beast::tcp_stream> ws_;
    beast::flat_buffer buffer_;
    std::deque<Item> queue_;
    bool closing_ = false;
    bool dead_ = false;
};

void FakeAiBotServer::State::accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;  // stopping
        if (!ec) {
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);  // small frames, answered at once
            std::make_shared<Session>(*this, std::move(socket))->start();
        }
        accept();
    });
}

// The platform keeps one connection per bot: the newest wins and the old one is closed.
void FakeAiBotServer::State::opened(const std::shared_ptr<Session>& session) {
    if (current) current->close();
    current = session;
    {
        std::lock_guard lock(mutex);
        ++connections;
        connected = true;
    }
    changed.notify_all();
}

void FakeAiBotServer::State::closed(const Session* session) {
    if (current.get() != session) return;  // an old, replaced connection
    current.reset();
    {
        std::lock_guard lock(mutex);
        connected = false;
    }
    changed.notify_all();
}

void FakeAiBotServer::State::record(Json frame) {
    {
        std::lock_guard lock(mutex);
        received.push_back(std::move(frame));
    }
    changed.notify_all();
}

void FakeAiBotServer::State::answer(Session& session, const Json& frame) {
    const std::string cmd = string_member(frame, "cmd");
    if (cmd.empty()) return;  // not a request
    Json req_id = "";
    if (const auto h = frame.find("headers"); h != frame.end() && h->is_object()) {
        req_id = h->value("req_id", Json(""));
    }
    std::int64_t errcode = 0;
    std::string errmsg = "ok";
    if (cmd == "aibot_subscribe") {
        const Json body = frame.value("body", Json::object());
        std::lock_guard lock(mutex);
        if (refuse_code != 0) {
            errcode = refuse_code;
        } else if (string_member(body, "bot_id") != options.bot_id ||
                   string_member(body, "secret") != options.secret) {
            errcode = kBadCredentials;
        } else {
            ++subscriptions;  // counted before the ack leaves, so a client that saw it sees this
        }
        errmsg = errmsg_for(errcode);
    } else if (cmd == "ping") {
        if (!options.ack_pings) return;
    } else if (cmd == "aibot_send_msg") {
        std::lock_guard lock(mutex);
        if (hang_pushes) return;
        errcode = push_errcode;
        errmsg = push_errmsg;
    } else if (cmd != "aibot_respond_msg" && cmd != "aibot_respond_welcome_msg" &&
               cmd != "aibot_respond_update_msg") {
        return;  // commands the fake does not play (media upload) stay unanswered
    }
    changed.notify_all();
    session.send(ack(req_id, errcode, errmsg).dump());
}

bool FakeAiBotServer::State::deliver(std::string text) {
    return on_io([this, &text] {
        if (!current) return false;
        current->send(std::move(text));
        return true;
    });
}

bool FakeAiBotServer::State::send_frame(const std::string& cmd, std::string_view req_id,
                                        const Json& body) {
    return deliver(Json{{"cmd", cmd}, {"headers", {{"req_id", req_id}}}, {"body", body}}.dump());
}

FakeAiBotServer::FakeAiBotServer(Options options)
    : state_(std::make_shared<State>(std::move(options))) {
    state_->accept();
    state_->thread = std::thread([state = state_.get()] { state->io.run(); });
}

FakeAiBotServer::FakeAiBotServer() : FakeAiBotServer(Options{}) {}

// Stops the io thread first, then closes the sockets on this thread (nothing else touches them
// any more); the state and its io_context, with any session a handler still held, go last.
FakeAiBotServer::~FakeAiBotServer() {
    state_->io.stop();
    state_->thread.join();
    beast::error_code ignored;
    state_->acceptor.close(ignored);
    if (state_->current) state_->current->abort();
    state_->current.reset();
    state_.reset();
}

std::string FakeAiBotServer::url() const {
    return "ws://127.0.0.1:" + std::to_string(state_->port);
}

void FakeAiBotServer::refuse_subscriptions(std::int64_t errcode) {
    std::lock_guard lock(state_->mutex);
    state_->refuse_code = errcode;
}

int FakeAiBotServer::subscriptions() const {
    std::lock_guard lock(state_->mutex);
    return state_->subscriptions;
}

int FakeAiBotServer::connections() const {
    std::lock_guard lock(state_->mutex);
    return state_->connections;
}

bool FakeAiBotServer::wait_subscribed(int count, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, timeout, [&] { return state_->subscriptions >= count; });
}

bool FakeAiBotServer::connected() const {
    std::lock_guard lock(state_->mutex);
    return state_->connected;
}

void FakeAiBotServer::set_push_errcode(std::int64_t errcode, std::string errmsg) {
    if (errmsg.empty()) errmsg = errcode == 0 ? "ok" : "push refused";
    std::lock_guard lock(state_->mutex);
    state_->push_errcode = errcode;
    state_->push_errmsg = std::move(errmsg);
}

void FakeAiBotServer::hang_pushes(bool hang) {
    std::lock_guard lock(state_->mutex);
    state_->hang_pushes = hang;
}

bool FakeAiBotServer::send_text(const std::string& frame) { return state_->deliver(frame); }

bool FakeAiBotServer::send_message(std::string_view req_id, const Json& body) {
    return state_->send_frame("aibot_msg_callback", req_id, body);
}

bool FakeAiBotServer::send_event(std::string_view req_id, const Json& body) {
    return state_->send_frame("aibot_event_callback", req_id, body);
}

bool FakeAiBotServer::send_disconnected_event() {
    int n = 0;
    {
        std::lock_guard lock(state_->mutex);
        n = state_->next_event++;
    }
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    const Json body{{"msgid", "disconnected-" + std::to_string(n)},
                    {"create_time", now.count()},
                    {"aibotid", state_->options.bot_id},
                    {"msgtype", "event"},
                    {"event", {{"eventtype", "disconnected_event"}}}};
    return send_event("disconnect-" + std::to_string(n), body);
}

void FakeAiBotServer::drop() {
    state_->on_io([this] {
        if (const auto session = state_->current) {
            session->abort();
            state_->closed(session.get());
        }
    });
}

std::vector<Json> FakeAiBotServer::received() const {
    std::lock_guard lock(state_->mutex);
    return state_->received;
}

std::vector<Json> FakeAiBotServer::received(std::string_view cmd) const {
    std::lock_guard lock(state_->mutex);
    std::vector<Json> out;
    for (const auto& frame : state_->received) {
        if (string_member(frame, "cmd") == cmd) out.push_back(frame);
    }
    return out;
}

std::optional<Json> FakeAiBotServer::wait_for(const std::function<bool(const Json&)>& predicate,
                                              std::chrono::milliseconds timeout) const {
    std::unique_lock lock(state_->mutex);
    std::optional<Json> found;
    state_->changed.wait_for(lock, timeout, [&] {
        for (const auto& frame : state_->received) {
            if (predicate(frame)) {
                found = frame;
                return true;
            }
        }
        return false;
    });
    return found;
}

std::optional<Json> FakeAiBotServer::wait_for_answer(std::string_view cmd, std::string_view req_id,
                                                     std::chrono::milliseconds timeout) const {
    return wait_for(
        [&](const Json& frame) {
            if (string_member(frame, "cmd") != cmd) return false;
            const auto h = frame.find("headers");
            return h != frame.end() && string_member(*h, "req_id") == req_id;
        },
        timeout);
}

}  // namespace groupdesk::test
