// The platform's side of the long-connection benchmark (bench/run_long_connection.sh): a plain
// ws:// WebSocket server on 127.0.0.1 that GroupDesk connects to as an AI bot. It acks the
// subscription (any credentials) and pings, then sends TOTAL distinct group mentions
// "@助手 工单 打印机无法连接 <n>" (the text of make_callbacks … aibot-tickets) as
// aibot_msg_callback frames, at most WINDOW unanswered at a time, and acks every answer with
// errcode 0 as the platform does. Latency = the answer's arrival − the start of its frame's write.
// Usage: aibot_ws_driver PORT TOTAL WINDOW [CHATS] [TIMEOUT_S]
// Prints one summary line; exits 1 unless every frame got exactly one answer, a card or a stream
// (not the busy text), within TIMEOUT_S.
#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Json = nlohmann::json;
using Steady = std::chrono::steady_clock;

struct Options {
    long total = 0;
    long window = 0;
    long chats = 50;
    long timeout_s = 300;
};

// One message frame in flight: when its write began (unset while it waits in the queue).
struct InFlight {
    Steady::time_point sent{};
};

struct Results {
    long answered = 0;
    long not_ticket = 0;  // answers whose body.msgtype is neither template_card nor stream
    long busy = 0;        // "系统繁忙…": the message was not handled
    long unmatched = 0;   // answers whose req_id is not one in flight (never expected)
    long other_cmds = 0;  // frames other than subscribe, ping and respond_msg (pushes, say)
    long bad_frames = 0;  // not JSON
    std::vector<double> latency_ms;
    Steady::time_point first_sent{};
    Steady::time_point last_answer{};
};

std::string string_member(const Json& obj, const char* key) {
    if (!obj.is_object()) return {};
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string ack(const std::string& req_id) {
    return Json{{"headers", {{"req_id", req_id}}}, {"errcode", 0}, {"errmsg", "ok"}}.dump();
}

class Driver;

// The one WebSocket connection served. Beast allows one write at a time, so frames queue.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(Driver& driver, tcp::socket socket) : driver_(driver), ws_(std::move(socket)) {}

    void start() {
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = std::chrono::seconds(5);
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
        ws_.set_option(timeouts);
        ws_.async_accept([self = shared_from_this()](beast::error_code ec) {
            if (ec) return;
            self->read();
        });
    }

    // `req_id` non-empty: a message frame, stamped when its write begins.
    void send(std::string text, std::string req_id = {}) {
        if (dead_) return;
        queue_.push_back(Item{std::move(text), std::move(req_id)});
        if (queue_.size() == 1) write_next();
    }

    bool dead() const { return dead_; }

private:
    struct Item {
        std::string text;
        std::string req_id;
    };

    void read();
    void write_next();

    Driver& driver_;
    websocket::stream<beast::tcp_stream> ws_;
    beast::flat_buffer buffer_;
    std::deque<Item> queue_;
    bool dead_ = false;
};

class Driver {
public:
    Driver(asio::io_context& io, unsigned short port, Options options)
        : io_(io),
          options_(options),
          acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port)),
          deadline_(io),
          // Distinct msgids from run to run, as the platform's are.
          msgid_prefix_("lcbench-" + std::to_string(std::time(nullptr)) + "-") {
        results_.latency_ms.reserve(static_cast<std::size_t>(options.total));
    }

    void start() { accept(); }

    void on_frame(Session& session, const std::string& text) {
        Json frame = Json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (frame.is_discarded()) {
            ++results_.bad_frames;
            return;
        }
        const std::string cmd = string_member(frame, "cmd");
        const auto headers = frame.find("headers");
        const std::string req_id =
            headers != frame.end() ? string_member(*headers, "req_id") : std::string();
        if (cmd.empty()) return;  // an ack of ours: the driver sends no requests
        session.send(ack(req_id));
        if (cmd == "aibot_subscribe") {
            if (!subscribed_) {
                subscribed_ = true;
                arm_deadline();
                fill(session);
            }
            return;
        }
        if (cmd == "ping") return;
        if (cmd != "aibot_respond_msg") {
            ++results_.other_cmds;
            return;
        }
        const auto it = in_flight_.find(req_id);
        if (it == in_flight_.end() || it->second.sent == Steady::time_point{}) {
            if (results_.unmatched++ < 3) {
                std::fprintf(stderr, "aibot_ws_driver: unmatched answer: %.300s\n", text.c_str());
            }
            return;
        }
        const auto now = Steady::now();
        results_.latency_ms.push_back(
            std::chrono::duration<double, std::milli>(now - it->second.sent).count());
        in_flight_.erase(it);
        ++results_.answered;
        results_.last_answer = now;
        const auto body = frame.find("body");
        const std::string msgtype =
            body != frame.end() ? string_member(*body, "msgtype") : std::string();
        if (msgtype != "template_card" && msgtype != "stream") ++results_.not_ticket;
        if (text.find("系统繁忙") != std::string::npos) ++results_.busy;
        if (results_.answered == options_.total) return finish();
        fill(session);
    }

    void stamp(const std::string& req_id) {
        const auto it = in_flight_.find(req_id);
        if (it == in_flight_.end()) return;
        it->second.sent = Steady::now();
        if (results_.first_sent == Steady::time_point{}) results_.first_sent = it->second.sent;
    }

    int exit_code() const { return exit_code_; }

private:
    void accept() {
        acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
            if (ec) return;
            beast::error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            if (session_ != nullptr && !session_->dead()) {
                // A second connection mid-run loses the frames in flight on the first: the run
                // cannot be complete, and the deadline reports it.
                std::fprintf(stderr, "aibot_ws_driver: GroupDesk connected again\n");
            }
            session_ = std::make_shared<Session>(*this, std::move(socket));
            session_->start();
            accept();
        });
    }

    // Keeps WINDOW message frames unanswered while any are left to send.
    void fill(Session& session) {
        while (next_ < options_.total && static_cast<long>(in_flight_.size()) < options_.window) {
            const long n = next_++;
            std::string req_id = "lcbench_req_" + std::to_string(n);
            in_flight_.emplace(req_id, InFlight{});
            std::string frame = message_frame(n, req_id);  // before req_id is moved
            session.send(std::move(frame), std::move(req_id));
        }
    }

    // The body of a group text as the platform sends it (tests/support/fake_aibot_bodies.cpp);
    // the content is that of make_callbacks' ticket callbacks, so both runs parse the same text.
    std::string message_frame(long n, const std::string& req_id) const {
        const std::string msgid = msgid_prefix_ + std::to_string(n);
        const Json body{
            {"msgid", msgid},
            {"aibotid", "bench-bot"},
            {"chatid", "lcBenchGroup" + std::to_string(n % options_.chats)},
            {"chattype", "group"},
            {"from", {{"userid", "user" + std::to_string(n % 500)}}},
            {"msgtype", "text"},
            {"text",
             {{"content", "@助手 工单 打印机无法连接 " + std::to_string(n) +
                              "\n优先级：高\n分类：IT\n三楼东侧那台，换了纸也不行"}}},
            {"response_url",
             "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=rc-" + msgid}};
        return Json{
            {"cmd", "aibot_msg_callback"}, {"headers", {{"req_id", req_id}}}, {"body", body}}
            .dump();
    }

    void arm_deadline() {
        deadline_.expires_after(std::chrono::seconds(options_.timeout_s));
        deadline_.async_wait([this](beast::error_code ec) {
            if (ec) return;
            std::fprintf(stderr, "aibot_ws_driver: timeout after %ld s: %ld of %ld answered\n",
                         options_.timeout_s, results_.answered, options_.total);
            finish();
        });
    }

    static double percentile(const std::vector<double>& sorted, double p) {
        if (sorted.empty()) return 0;
        const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size()));
        return sorted[std::min(rank, sorted.size() - 1)];
    }

    void finish() {
        deadline_.cancel();
        auto& r = results_;
        std::sort(r.latency_ms.begin(), r.latency_ms.end());
        const double elapsed =
            r.answered == 0 ? 0
                            : std::chrono::duration<double>(r.last_answer - r.first_sent).count();
        std::printf(
            "answered %ld of %ld, elapsed %.3f s, %.0f frames/s, latency p50 %.2f ms, p90 %.2f ms, "
            "p99 %.2f ms, max %.2f ms, not a ticket card/stream %ld, busy %ld, unmatched %ld, "
            "other cmds %ld, bad frames %ld\n",
            r.answered, options_.total, elapsed, elapsed > 0 ? r.answered / elapsed : 0.0,
            percentile(r.latency_ms, 50), percentile(r.latency_ms, 90),
            percentile(r.latency_ms, 99), r.latency_ms.empty() ? 0.0 : r.latency_ms.back(),
            r.not_ticket, r.busy, r.unmatched, r.other_cmds, r.bad_frames);
        std::fflush(stdout);
        const bool complete = r.answered == options_.total && r.unmatched == 0 &&
                              r.bad_frames == 0 && r.not_ticket == 0 && r.busy == 0;
        exit_code_ = complete ? 0 : 1;
        io_.stop();
    }

    asio::io_context& io_;
    const Options options_;
    tcp::acceptor acceptor_;
    asio::steady_timer deadline_;
    const std::string msgid_prefix_;
    std::shared_ptr<Session> session_;
    std::unordered_map<std::string, InFlight> in_flight_;
    long next_ = 0;
    bool subscribed_ = false;
    Results results_;
    int exit_code_ = 1;
};

void Session::read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) {
            self->dead_ = true;
            return;
        }
        const std::string text = beast::buffers_to_string(self->buffer_.data());
        self->buffer_.consume(self->buffer_.size());
        self->driver_.on_frame(*self, text);
        self->read();
    });
}

void Session::write_next() {
    if (!queue_.front().req_id.empty()) driver_.stamp(queue_.front().req_id);
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front().text),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) {
                            self->dead_ = true;
                            self->queue_.clear();
                            return;
                        }
                        self->queue_.pop_front();
                        if (!self->queue_.empty()) self->write_next();
                    });
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4 || argc > 6) {
        std::fprintf(stderr, "usage: %s PORT TOTAL WINDOW [CHATS] [TIMEOUT_S]\n", argv[0]);
        return 2;
    }
    Options options;
    options.total = std::atol(argv[2]);
    options.window = std::atol(argv[3]);
    if (argc > 4) options.chats = std::atol(argv[4]);
    if (argc > 5) options.timeout_s = std::atol(argv[5]);
    if (options.total <= 0 || options.window <= 0 || options.chats <= 0 || options.timeout_s <= 0) {
        std::fprintf(stderr, "aibot_ws_driver: TOTAL, WINDOW, CHATS and TIMEOUT_S must be > 0\n");
        return 2;
    }
    asio::io_context io(1);
    Driver driver(io, static_cast<unsigned short>(std::atoi(argv[1])), options);
    driver.start();
    io.run();
    return driver.exit_code();
}
