// Unit tests of the AI bot's long connection alone: URL parsing, and AiBotConnection against
// FakeAiBotServer (subscribe, frames to the handler and their answers, acks and their timeouts,
// stop, drop and reconnect, takeover, refusal, counters); against a server that stops answering
// (stop() still ends everything); and against a small TLS server whose certificate must be
// verified before anything is sent.
#include "bot/aibot_connection.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bot/details/ws_link.h"
#include "tests/support/fake_aibot_server.h"
#include "tests/support/temp_dir.h"

namespace groupdesk::bot {
// Readable states in failure messages.
void PrintTo(LinkState state, std::ostream* os) { *os << to_string(state); }
}  // namespace groupdesk::bot

namespace groupdesk::test {
namespace {

using bot::Ack;
using bot::AiBotConnection;
using bot::AiBotConnectionOptions;
using bot::LinkState;
using bot::LinkStats;
using Json = nlohmann::json;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

// Polls `predicate` until it holds or `timeout` passes; the result is the last evaluation.
bool wait_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!predicate()) {
        if (std::chrono::steady_clock::now() >= deadline) return predicate();
        std::this_thread::sleep_for(5ms);
    }
    return true;
}

// Collects what AckDone callbacks report, each callback counting its own calls.
class Acks {
public:
    bot::AckDone done() {
        std::lock_guard lock(mutex_);
        const std::size_t slot = calls_.size();
        calls_.push_back(0);
        return [this, slot](Result<Ack> result) {
            {
                std::lock_guard inner(mutex_);
                ++calls_[slot];
                results_.push_back(std::move(result));
            }
            changed_.notify_all();
        };
    }
    bool wait(std::size_t count, std::chrono::milliseconds timeout = 5s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return results_.size() >= count; });
    }
    std::vector<Result<Ack>> results() const {
        std::lock_guard lock(mutex_);
        return results_;
    }
    std::vector<int> calls() const {
        std::lock_guard lock(mutex_);
        return calls_;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<int> calls_;
    std::vector<Result<Ack>> results_;
};

std::string push_frame(const std::string& req_id) {
    return Json{{"cmd", "aibot_send_msg"},
                {"headers", {{"req_id", req_id}}},
                {"body",
                 {{"chatid", "wrkChat"},
                  {"chat_type", 2},
                  {"msgtype", "markdown"},
                  {"markdown", {{"content", "hello"}}}}}}
        .dump();
}

std::uint64_t in(const AiBotConnection& c, std::string_view cmd) {
    return c.stats().frames_in[LinkStats::frame_slot(cmd)].load();
}
std::uint64_t out(const AiBotConnection& c, std::string_view cmd) {
    return c.stats().frames_out[LinkStats::frame_slot(cmd)].load();
}

// --- parse_ws_url ---

TEST(ParseWsUrlTest, WssDefaultsToPort443AndTheRoot) {
    const auto at = bot::details::parse_ws_url("wss://openws.work.weixin.qq.com");
    ASSERT_TRUE(at.ok());
    EXPECT_TRUE(at->tls);
    EXPECT_EQ(at->host, "openws.work.weixin.qq.com");
    EXPECT_EQ(at->port, "443");
    EXPECT_EQ(at->target, "/");
}

TEST(ParseWsUrlTest, WsDefaultsToPort80) {
    const auto at = bot::details::parse_ws_url("ws://example.com/");
    ASSERT_TRUE(at.ok());
    EXPECT_FALSE(at->tls);
    EXPECT_EQ(at->host, "example.com");
    EXPECT_EQ(at->port, "80");
    EXPECT_EQ(at->target, "/");
}

TEST(ParseWsUrlTest, ExplicitPortAndPathAreKept) {
    const auto at = bot::details::parse_ws_url("wss://127.0.0.1:8443/ws/v1");
    ASSERT_TRUE(at.ok());
    EXPECT_TRUE(at->tls);
    EXPECT_EQ(at->host, "127.0.0.1");
    EXPECT_EQ(at->port, "8443");
    EXPECT_EQ(at->target, "/ws/v1");

    const auto plain = bot::details::parse_ws_url("ws://localhost:9000");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->host, "localhost");
    EXPECT_EQ(plain->port, "9000");
    EXPECT_EQ(plain->target, "/");
}

TEST(ParseWsUrlTest, NoHostIsRefused) {
    for (const char* url : {"wss://", "ws://", "wss:///path", "wss://:443/", "ws://host:/"}) {
        const auto at = bot::details::parse_ws_url(url);
        ASSERT_FALSE(at.ok()) << url;
        EXPECT_EQ(at.error().code, ErrorCode::InvalidArgument) << url;
    }
}

TEST(ParseWsUrlTest, OtherSchemesAreRefused) {
    for (const char* url : {"https://example.com", "http://example.com", "example.com",
                            "ws:/example.com", "", "wss:example.com"}) {
        const auto at = bot::details::parse_ws_url(url);
        ASSERT_FALSE(at.ok()) << url;
        EXPECT_EQ(at.error().code, ErrorCode::InvalidArgument) << url;
    }
}

// --- against FakeAiBotServer ---

struct SeenFrame {
    std::string cmd;
    std::string req_id;
};

class AiBotConnectionTest : public ::testing::Test {
protected:
    AiBotConnectionOptions options(const std::string& secret = "test-bot-secret") const {
        AiBotConnectionOptions o;
        o.url = fake_.url();
        o.bot_id = "test-bot";
        o.secret = secret;
        o.connect_timeout = 2000ms;
        o.ping_interval = 60s;  // no pings unless a test asks: the frame counts stay exact
        o.reconnect_initial = 50ms;
        o.reconnect_max = 200ms;
        o.ack_timeout = 5000ms;
        return o;
    }

    // A connection whose handler records each frame and, when `answer_` is set, answers a
    // message with aibot_respond_msg on the message's req_id.
    std::unique_ptr<AiBotConnection> make(AiBotConnectionOptions o) {
        return std::make_unique<AiBotConnection>(
            "test", std::move(o), [this](wecom::AiBotFrame frame, bot::FrameSender& sender) {
                {
                    std::lock_guard lock(mutex_);
                    seen_.push_back(SeenFrame{frame.cmd, frame.req_id});
                }
                if (answer_ && frame.cmd == "aibot_msg_callback") {
                    const Json reply{
                        {"cmd", "aibot_respond_msg"},
                        {"headers", {{"req_id", frame.req_id}}},
                        {"body", {{"msgtype", "markdown"}, {"markdown", {{"content", "ok"}}}}}};
                    sender.request("aibot_respond_msg", frame.req_id, reply.dump(),
                                   answer_acks_.done());
                }
            });
    }

    std::unique_ptr<AiBotConnection> start_up(AiBotConnectionOptions o) {
        auto c = make(std::move(o));
        c->start();
        EXPECT_TRUE(wait_until([&] { return c->state() == LinkState::Up; }));
        return c;
    }

    std::vector<SeenFrame> seen() const {
        std::lock_guard lock(mutex_);
        return seen_;
    }

    FakeAiBotServer fake_;
    bool answer_ = true;
    Acks answer_acks_;
    mutable std::mutex mutex_;
    std::vector<SeenFrame> seen_;
};

TEST_F(AiBotConnectionTest, StartsIdleAndSubscribesWithTheConfiguredIdAndSecret) {
    auto c = make(options());
    EXPECT_EQ(c->state(), LinkState::Idle);
    c->start();
    ASSERT_TRUE(fake_.wait_subscribed(1));
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Up; }));

    const auto subs = fake_.received("aibot_subscribe");
    ASSERT_EQ(subs.size(), 1u);
    EXPECT_EQ(subs[0]["body"]["bot_id"], "test-bot");
    EXPECT_EQ(subs[0]["body"]["secret"], "test-bot-secret");
    const std::string req_id = subs[0]["headers"]["req_id"];
    EXPECT_TRUE(req_id.starts_with("aibot_subscribe_")) << req_id;
    EXPECT_EQ(c->stats().connects.load(), 1u);
    EXPECT_EQ(c->stats().reconnects.load(), 0u);
    EXPECT_EQ(fake_.connections(), 1);

    c->stop();
    EXPECT_EQ(c->state(), LinkState::Stopped);
}

TEST_F(AiBotConnectionTest, MessageFramesReachTheHandlerAndItsAnswerIsAcked) {
    auto c = start_up(options());
    ASSERT_TRUE(fake_.send_message("req-msg-1", aibot_text_body("m1", "zhangsan", "wrkG", "hi")));
    ASSERT_TRUE(fake_.send_event(
        "req-evt-1", aibot_card_click_body("m2", "zhangsan", "wrkG", "resolve", "task-1")));

    const auto answer = fake_.wait_for_answer("aibot_respond_msg", "req-msg-1");
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ((*answer)["body"]["markdown"]["content"], "ok");
    ASSERT_TRUE(answer_acks_.wait(1));
    const auto acks = answer_acks_.results();
    ASSERT_EQ(acks.size(), 1u);
    ASSERT_TRUE(acks[0].ok()) << acks[0].error().message;
    EXPECT_EQ(acks[0]->errcode, 0);

    ASSERT_TRUE(wait_until([&] { return seen().size() == 2; }));
    const auto frames = seen();
    EXPECT_EQ(frames[0].cmd, "aibot_msg_callback");
    EXPECT_EQ(frames[0].req_id, "req-msg-1");
    EXPECT_EQ(frames[1].cmd, "aibot_event_callback");
    EXPECT_EQ(frames[1].req_id, "req-evt-1");
    EXPECT_EQ(answer_acks_.calls(), std::vector<int>{1});
}

TEST_F(AiBotConnectionTest, APushIsAckedWithThePlatformsErrcode) {
    auto c = start_up(options());
    fake_.set_push_errcode(45009, "api freq out of limit");
    Acks acks;
    const std::string req_id = c->new_req_id("aibot_send_msg");
    c->request("aibot_send_msg", req_id, push_frame(req_id), acks.done());
    ASSERT_TRUE(acks.wait(1));
    const auto results = acks.results();
    ASSERT_TRUE(results[0].ok()) << results[0].error().message;
    EXPECT_EQ(results[0]->errcode, 45009);
    EXPECT_EQ(results[0]->errmsg, "api freq out of limit");
    EXPECT_EQ(c->stats().ack_count.load(), 2u);  // the subscription's and the push's
}

TEST_F(AiBotConnectionTest, ARequestBeforeStartFailsAtOnceAndOnlyOnce) {
    auto c = make(options());
    Acks acks;
    c->request("aibot_send_msg", "push-1", push_frame("push-1"), acks.done());
    ASSERT_TRUE(acks.wait(1, 2s)) << "a request before start() was never answered";
    const auto results = acks.results();
    ASSERT_FALSE(results[0].ok());
    EXPECT_EQ(results[0].error().code, ErrorCode::Unavailable);

    // Starting afterwards neither sends it nor reports it again.
    c->start();
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Up; }));
    c->stop();
    EXPECT_EQ(acks.calls(), std::vector<int>{1});
    EXPECT_TRUE(fake_.received("aibot_send_msg").empty());
}

TEST_F(AiBotConnectionTest, ARequestAfterStopFailsAtOnceAndOnlyOnce) {
    auto c = start_up(options());
    c->stop();
    Acks acks;
    c->request("aibot_send_msg", "push-1", push_frame("push-1"), acks.done());
    // Reported before request() returns: there is no thread left to do it later.
    ASSERT_EQ(acks.results().size(), 1u);
    EXPECT_EQ(acks.results()[0].error().code, ErrorCode::Unavailable);
    c.reset();
    EXPECT_EQ(acks.calls(), std::vector<int>{1});
    EXPECT_TRUE(fake_.received("aibot_send_msg").empty());
}

TEST_F(AiBotConnectionTest, AnUnackedPushTimesOutAndTheConnectionStaysUp) {
    auto o = options();
    o.ack_timeout = 200ms;
    auto c = start_up(o);
    fake_.hang_pushes(true);
    Acks acks;
    const std::string req_id = c->new_req_id("aibot_send_msg");
    c->request("aibot_send_msg", req_id, push_frame(req_id), acks.done());
    ASSERT_TRUE(acks.wait(1));
    const auto results = acks.results();
    ASSERT_FALSE(results[0].ok());
    EXPECT_EQ(results[0].error().code, ErrorCode::Unavailable);
    EXPECT_EQ(c->stats().ack_timeouts.load(), 1u);
    EXPECT_TRUE(fake_.wait_for_answer("aibot_send_msg", req_id, 0ms).has_value());
    EXPECT_EQ(c->state(), LinkState::Up);
    EXPECT_EQ(fake_.connections(), 1);
    c->stop();
    EXPECT_EQ(acks.calls(), std::vector<int>{1});
}

TEST_F(AiBotConnectionTest, ReqIdsAreUniqueAcrossThreads) {
    auto c = make(options());
    constexpr int kThreads = 4;
    constexpr int kEach = 2000;
    std::vector<std::vector<std::string>> ids(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) ids[t].push_back(c->new_req_id("aibot_send_msg"));
        });
    }
    for (auto& t : threads) t.join();
    std::set<std::string> all;
    for (const auto& list : ids) {
        for (const auto& id : list) {
            EXPECT_TRUE(id.starts_with("aibot_send_msg_")) << id;
            all.insert(id);
        }
    }
    EXPECT_EQ(all.size(), std::size_t{kThreads} * kEach);
    // Another connection of the same process does not repeat them either.
    auto other = make(options());
    for (int i = 0; i < 100; ++i) EXPECT_FALSE(all.contains(other->new_req_id("aibot_send_msg")));
}

TEST_F(AiBotConnectionTest, StopFailsPendingRequestsOnceAndDoesNotWaitForTheirAcks) {
    auto o = options();
    o.ack_timeout = 60s;
    auto c = start_up(o);
    fake_.hang_pushes(true);
    Acks acks;
    for (int i = 0; i < 3; ++i) {
        const std::string req_id = c->new_req_id("aibot_send_msg");
        c->request("aibot_send_msg", req_id, push_frame(req_id), acks.done());
    }
    ASSERT_TRUE(wait_until([&] { return fake_.received("aibot_send_msg").size() == 3; }));
    const auto began = std::chrono::steady_clock::now();
    c->stop();
    // A generous bound: what matters is that stop() does not wait out the 60 s ack timeout.
    EXPECT_LT(std::chrono::steady_clock::now() - began, 30s);
    const auto results = acks.results();
    ASSERT_EQ(results.size(), 3u);
    for (const auto& r : results) {
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, ErrorCode::Unavailable);
    }
    EXPECT_EQ(c->state(), LinkState::Stopped);
    c->stop();  // idempotent
    c.reset();
    EXPECT_EQ(acks.calls(), (std::vector<int>{1, 1, 1}));
}

TEST_F(AiBotConnectionTest, ADroppedConnectionIsOpenedAndSubscribedAgain) {
    auto c = start_up(options());
    fake_.drop();
    ASSERT_TRUE(fake_.wait_subscribed(2));
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Up; }));
    EXPECT_EQ(fake_.connections(), 2);
    EXPECT_GE(c->stats().reconnects.load(), 1u);
    EXPECT_EQ(c->stats().connects.load(), 2u);

    // And it works as before on the new connection.
    ASSERT_TRUE(fake_.send_message("req-after", aibot_text_body("m9", "lisi", "wrkG", "again")));
    EXPECT_TRUE(fake_.wait_for_answer("aibot_respond_msg", "req-after").has_value());
}

TEST_F(AiBotConnectionTest, DisconnectedEventLeavesItTakenOverForGood) {
    auto o = options();
    auto c = start_up(o);
    ASSERT_TRUE(fake_.send_disconnected_event());
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::TakenOver; }));
    EXPECT_TRUE(bot::is_down_for_good(c->state()));

    // A few reconnect delays later: still down, still one connection.
    std::this_thread::sleep_for(o.reconnect_max * 5);
    EXPECT_EQ(c->state(), LinkState::TakenOver);
    EXPECT_EQ(fake_.connections(), 1);
    EXPECT_EQ(c->stats().reconnects.load(), 0u);
    EXPECT_TRUE(seen().empty()) << "the handler is never given disconnected_event";

    Acks acks;
    c->request("aibot_send_msg", "push-1", push_frame("push-1"), acks.done());
    ASSERT_TRUE(acks.wait(1));
    EXPECT_EQ(acks.results()[0].error().code, ErrorCode::Unavailable);
}

TEST_F(AiBotConnectionTest, RefusedCredentialsLeaveItRefusedAfterOneConnection) {
    auto o = options("wrong-secret");
    auto c = make(o);
    c->start();
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Refused; }));
    std::this_thread::sleep_for(o.reconnect_max * 5);
    EXPECT_EQ(c->state(), LinkState::Refused);
    EXPECT_EQ(fake_.connections(), 1);
    EXPECT_EQ(fake_.subscriptions(), 0);
    EXPECT_EQ(c->stats().reconnects.load(), 0u);
    EXPECT_EQ(fake_.received("aibot_subscribe").size(), 1u);
}

TEST_F(AiBotConnectionTest, AnotherRefusalIsRetriedUntilTheSubscriptionIsAcked) {
    fake_.refuse_subscriptions(45009);  // rate limited: worth trying again, unlike 853000
    auto c = make(options());
    c->start();
    ASSERT_TRUE(wait_until([&] { return fake_.received("aibot_subscribe").size() >= 2; }));
    EXPECT_FALSE(bot::is_down_for_good(c->state()));
    fake_.refuse_subscriptions(0);
    ASSERT_TRUE(fake_.wait_subscribed(1));
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Up; }));
    EXPECT_GE(c->stats().reconnects.load(), 1u);
}

TEST_F(AiBotConnectionTest, FramesAreCountedByCmdAndDirection) {
    auto c = start_up(options());
    EXPECT_EQ(out(*c, "aibot_subscribe"), 1u);
    EXPECT_EQ(in(*c, ""), 1u);  // the subscription's ack

    ASSERT_TRUE(fake_.send_message("req-1", aibot_text_body("m1", "zhangsan", "wrkG", "hi")));
    ASSERT_TRUE(answer_acks_.wait(1));
    ASSERT_TRUE(fake_.send_event(
        "req-2", aibot_card_click_body("m2", "zhangsan", "wrkG", "resolve", "task-1")));
    ASSERT_TRUE(fake_.send_text(R"({"cmd":"aibot_future_cmd","headers":{"req_id":"x"}})"));
    ASSERT_TRUE(wait_until([&] { return in(*c, "aibot_future_cmd") == 1; }));
    ASSERT_TRUE(wait_until([&] { return in(*c, "aibot_event_callback") == 1; }));

    EXPECT_EQ(in(*c, "aibot_msg_callback"), 1u);
    EXPECT_EQ(out(*c, "aibot_respond_msg"), 1u);
    EXPECT_EQ(in(*c, ""), 2u);  // and the answer's
    EXPECT_EQ(in(*c, "other"), 1u);
    EXPECT_EQ(out(*c, "aibot_send_msg"), 0u);
    EXPECT_EQ(out(*c, "ping"), 0u);
    EXPECT_EQ(c->stats().bad_frames.load(), 0u);
    EXPECT_EQ(seen().size(), 2u) << "an unknown cmd is not given to the handler";
}

TEST_F(AiBotConnectionTest, PingsGoOutAndAreCountedWithTheirAcks) {
    auto o = options();
    o.ping_interval = 50ms;
    auto c = start_up(o);
    ASSERT_TRUE(wait_until([&] { return fake_.received("ping").size() >= 2; }));
    ASSERT_TRUE(wait_until([&] { return in(*c, "") >= 3; }));  // subscribe + two pings
    EXPECT_GE(out(*c, "ping"), 2u);
    EXPECT_EQ(c->state(), LinkState::Up);
    EXPECT_EQ(fake_.connections(), 1);
}

TEST_F(AiBotConnectionTest, AnUndecodableFrameIsCountedAndTheConnectionGoesOn) {
    auto c = start_up(options());
    ASSERT_TRUE(fake_.send_text("not json"));
    ASSERT_TRUE(wait_until([&] { return c->stats().bad_frames.load() == 1; }));
    ASSERT_TRUE(fake_.send_message("req-1", aibot_text_body("m1", "zhangsan", "wrkG", "hi")));
    EXPECT_TRUE(fake_.wait_for_answer("aibot_respond_msg", "req-1").has_value());
    ASSERT_TRUE(answer_acks_.wait(1));
    EXPECT_TRUE(answer_acks_.results()[0].ok());
    EXPECT_EQ(c->state(), LinkState::Up);
    EXPECT_EQ(fake_.connections(), 1);
    EXPECT_EQ(c->stats().bad_frames.load(), 1u);
    EXPECT_EQ(seen().size(), 1u);
}

// --- a server that stops answering ---

// A WebSocket server that accepts one connection, acks its subscription and then reads nothing
// more: later requests and the close handshake go unanswered, as on a connection that died
// without the client's knowing.
class MuteServer {
public:
    MuteServer() {
        acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket s) {
            if (ec) return;
            ws_ = std::make_unique<websocket::stream<beast::tcp_stream>>(std::move(s));
            ws_->async_accept([this](beast::error_code e) {
                if (e) return;
                ws_->async_read(buffer_, [this](beast::error_code r, std::size_t) {
                    if (r) return;
                    const Json frame = Json::parse(beast::buffers_to_string(buffer_.data()));
                    ack_ = Json{{"headers", frame["headers"]}, {"errcode", 0}, {"errmsg", "ok"}}
                               .dump();
                    ws_->text(true);
                    ws_->async_write(asio::buffer(ack_), [](beast::error_code, std::size_t) {});
                });
            });
        });
        thread_ = std::thread([this] { io_.run(); });
    }
    ~MuteServer() {
        io_.stop();
        thread_.join();
    }
    std::string url() const {
        return "ws://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
    }

private:
    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_{
        io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::unique_ptr<websocket::stream<beast::tcp_stream>> ws_;
    beast::flat_buffer buffer_;
    std::string ack_;
    std::thread thread_;
};

// stop() gives the close handshake a grace period; when it runs out, what was pending still
// fails (once) and the state still says stopped.
TEST(AiBotConnectionStopTest, AnUnansweredCloseStillFailsPendingRequestsAndStops) {
    MuteServer server;
    AiBotConnectionOptions o;
    o.url = server.url();
    o.bot_id = "test-bot";
    o.secret = "test-bot-secret";
    o.connect_timeout = 30s;  // also bounds the close handshake: longer than stop()'s grace
    o.ping_interval = 60s;
    o.ack_timeout = 60s;
    auto c =
        std::make_unique<AiBotConnection>("mute", o, [](wecom::AiBotFrame, bot::FrameSender&) {});
    c->start();
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Up; }));
    Acks acks;
    c->request("aibot_send_msg", "push-1", push_frame("push-1"), acks.done());
    ASSERT_TRUE(wait_until([&] { return out(*c, "aibot_send_msg") == 1; }));
    c->stop();
    EXPECT_EQ(c->state(), LinkState::Stopped);
    ASSERT_EQ(acks.results().size(), 1u) << "a pending request was never reported";
    EXPECT_EQ(acks.results()[0].error().code, ErrorCode::Unavailable);
    c.reset();
    EXPECT_EQ(acks.calls(), std::vector<int>{1});
}

// --- TLS ---

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
    void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
    void operator()(BIO* p) const { BIO_free(p); }
};

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

// A self-signed certificate for `cn`, valid for the subjectAltName `san` ("IP:…" / "DNS:…").
struct Certificate {
    std::string cert_pem;
    std::string key_pem;
};

Certificate self_signed(const std::string& cn, const std::string& san) {
    std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen("P-256"));
    if (!key) throw std::runtime_error("EC key generation failed");
    std::unique_ptr<X509, X509Free> cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, san.c_str());
    if (ext == nullptr) throw std::runtime_error("subjectAltName failed");
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
        throw std::runtime_error("signing failed");
    }

    Certificate out;
    std::unique_ptr<BIO, BioFree> cert_bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(cert_bio.get(), cert.get());
    out.cert_pem = bio_text(cert_bio.get());
    std::unique_ptr<BIO, BioFree> key_bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    out.key_pem = bio_text(key_bio.get());
    return out;
}

// A TLS server on 127.0.0.1 that counts handshakes that failed and keeps the first bytes sent
// after one that succeeded (a WebSocket upgrade request, if the client gets that far). It never
// answers them; the client's own handshake timeout ends such a connection.
class TlsServer {
public:
    explicit TlsServer(const Certificate& cert) {
        tls_.use_certificate_chain(asio::buffer(cert.cert_pem));
        tls_.use_private_key(asio::buffer(cert.key_pem), asio::ssl::context::pem);
        accept();
        thread_ = std::thread([this] { io_.run(); });
    }
    ~TlsServer() {
        io_.stop();
        thread_.join();
    }

    std::string url() const {
        return "wss://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
    }
    int failed_handshakes() const { return failed_.load(); }
    std::string request() const {
        std::lock_guard lock(mutex_);
        return request_;
    }

private:
    using Stream = asio::ssl::stream<asio::ip::tcp::socket>;
    struct Conn {
        explicit Conn(Stream s) : stream(std::move(s)) {}
        Stream stream;
        std::string data;
    };

    void accept() {
        acceptor_.async_accept([this](boost::system::error_code ec, asio::ip::tcp::socket s) {
            if (ec) return;
            auto conn = std::make_shared<Conn>(Stream(std::move(s), tls_));
            conn->stream.async_handshake(
                asio::ssl::stream_base::server, [this, conn](boost::system::error_code e) {
                    if (e) {
                        ++failed_;
                        return;
                    }
                    asio::async_read_until(conn->stream, asio::dynamic_buffer(conn->data),
                                           "\r\n\r\n",
                                           [this, conn](boost::system::error_code, std::size_t) {
                                               std::lock_guard lock(mutex_);
                                               if (request_.empty()) request_ = conn->data;
                                           });
                });
            accept();
        });
    }

    asio::io_context io_;
    asio::ssl::context tls_{asio::ssl::context::tls_server};
    asio::ip::tcp::acceptor acceptor_{
        io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
    std::atomic<int> failed_{0};
    mutable std::mutex mutex_;
    std::string request_;
    std::thread thread_;
};

// The client trusts the system's certificate store, which OpenSSL lets SSL_CERT_FILE replace:
// the way to make a test certificate trusted for the length of one connection's construction.
class TrustedFile {
public:
    explicit TrustedFile(const std::string& path) { ::setenv("SSL_CERT_FILE", path.c_str(), 1); }
    ~TrustedFile() { ::unsetenv("SSL_CERT_FILE"); }
    TrustedFile(const TrustedFile&) = delete;
    TrustedFile& operator=(const TrustedFile&) = delete;
};

class AiBotConnectionTlsTest : public ::testing::Test {
protected:
    static AiBotConnectionOptions options(const std::string& url) {
        AiBotConnectionOptions o;
        o.url = url;
        o.bot_id = "test-bot";
        o.secret = "test-bot-secret";
        o.connect_timeout = 2000ms;
        o.reconnect_initial = 60s;  // one attempt: after it, it stays Waiting
        o.reconnect_max = 60s;
        return o;
    }
    static std::unique_ptr<AiBotConnection> make(const std::string& url) {
        return std::make_unique<AiBotConnection>("tls", options(url),
                                                 [](wecom::AiBotFrame, bot::FrameSender&) {});
    }
    void write_trusted(const Certificate& cert) {
        std::ofstream(dir_.file("trusted.pem")) << cert.cert_pem;
    }

    TempDir dir_{"groupdesk-aibot-tls-"};
};

TEST_F(AiBotConnectionTlsTest, AnUntrustedCertificateEndsTheHandshakeBeforeAnyUpgrade) {
    TlsServer server(self_signed("127.0.0.1", "IP:127.0.0.1"));
    auto c = make(server.url());
    c->start();
    ASSERT_TRUE(wait_until([&] { return server.failed_handshakes() >= 1; }));
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Waiting; }));
    EXPECT_EQ(c->stats().connects.load(), 0u);
    EXPECT_EQ(c->stats().frames_out[LinkStats::frame_slot("aibot_subscribe")].load(), 0u);
    EXPECT_EQ(server.request(), "");
    c->stop();
    EXPECT_EQ(c->state(), LinkState::Stopped);
}

TEST_F(AiBotConnectionTlsTest, ATrustedCertificateForAnotherHostIsRefusedToo) {
    const Certificate cert = self_signed("other.example", "DNS:other.example");
    write_trusted(cert);
    TlsServer server(cert);
    std::unique_ptr<AiBotConnection> c;
    {
        TrustedFile trusted(dir_.file("trusted.pem"));
        c = make(server.url());
    }
    c->start();
    ASSERT_TRUE(wait_until([&] { return server.failed_handshakes() >= 1; }));
    ASSERT_TRUE(wait_until([&] { return c->state() == LinkState::Waiting; }));
    EXPECT_EQ(c->stats().connects.load(), 0u);
    EXPECT_EQ(server.request(), "");
}

// The control for the two above: the same server with a certificate the client trusts, for the
// host it connects to, does get the WebSocket upgrade.
TEST_F(AiBotConnectionTlsTest, ATrustedCertificateForTheHostGetsTheUpgradeRequest) {
    const Certificate cert = self_signed("127.0.0.1", "IP:127.0.0.1");
    write_trusted(cert);
    TlsServer server(cert);
    std::unique_ptr<AiBotConnection> c;
    {
        TrustedFile trusted(dir_.file("trusted.pem"));
        c = make(server.url());
    }
    c->start();
    ASSERT_TRUE(wait_until([&] { return !server.request().empty(); }));
    const std::string request = server.request();
    EXPECT_TRUE(request.starts_with("GET / HTTP/1.1\r\n")) << request;
    EXPECT_NE(request.find("Upgrade: websocket"), std::string::npos) << request;
    EXPECT_EQ(server.failed_handshakes(), 0);
}

}  // namespace
}  // namespace groupdesk::test
