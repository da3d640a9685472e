// AiBotConnection: one AI bot's long connection to WeCom (wecom-protocol.md §10.4). It opens the
// WebSocket, subscribes with the bot's id and secret, pings, matches acks to requests by req_id,
// and opens the connection again after a drop, with backoff and jitter — except after
// disconnected_event (another instance took the bot over: two that both reconnect would kick
// each other forever) or a refused subscription (wrong credentials). Then it stays down until
// the process restarts. Message and event frames go to the frame handler.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/latency_histogram.h"
#include "common/result.h"
#include "wecom/aibot_frames.h"

namespace groupdesk::bot {

// The connection's state, as /healthz and the metrics show it.
enum class LinkState {
    Idle,        // not started
    Connecting,  // opening the WebSocket
    Subscribing,
    Up,
    Waiting,    // dropped; opening again after a backoff
    TakenOver,  // disconnected_event: another connection holds the bot; stays down
    Refused,    // the platform refused the bot id or secret; stays down
    Stopped,
};
inline constexpr std::size_t kLinkStates = 8;
std::string_view to_string(LinkState state) noexcept;
// True for the states it never leaves by itself.
bool is_down_for_good(LinkState state) noexcept;

// Counters kept on the connection's thread and read by the metrics from any thread.
struct LinkStats {
    // Frames by cmd; index by frame_slot().
    static constexpr std::array<std::string_view, 10> kCmds = {"aibot_subscribe",
                                                               "ping",
                                                               "aibot_msg_callback",
                                                               "aibot_event_callback",
                                                               "aibot_respond_msg",
                                                               "aibot_send_msg",
                                                               "aibot_respond_welcome_msg",
                                                               "aibot_respond_update_msg",
                                                               "ack",
                                                               "other"};
    static std::size_t frame_slot(std::string_view cmd) noexcept;
    // Ack latency histogram, upper bounds in seconds.
    static constexpr std::array<double, 10> kAckBuckets = {0.01, 0.025, 0.05, 0.1, 0.25,
                                                           0.5,  1.0,   2.5,  5.0, 10.0};

    std::atomic<LinkState> state{LinkState::Idle};
    std::atomic<std::uint64_t> connects{0};    // WebSocket handshakes completed
    std::atomic<std::uint64_t> reconnects{0};  // attempts after a drop
    std::array<std::atomic<std::uint64_t>, kCmds.size()> frames_in{};
    std::array<std::atomic<std::uint64_t>, kCmds.size()> frames_out{};
    std::atomic<std::uint64_t> bad_frames{0};    // not decodable
    std::atomic<std::uint64_t> ack_timeouts{0};  // requests no ack answered in time
    LatencyHistogram<kAckBuckets.size()> ack_latency{kAckBuckets};
};

struct AiBotConnectionOptions {
    std::string url;  // wss://…; ws:// for tests
    std::string bot_id;
    std::string secret;
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds ping_interval{30000};
    std::chrono::milliseconds reconnect_initial{1000};
    std::chrono::milliseconds reconnect_max{std::chrono::minutes{5}};
    std::chrono::milliseconds ack_timeout{10000};
};

// The platform's answer to one request.
struct Ack {
    std::int64_t errcode = 0;
    std::string errmsg;
};
// Reports an ack, or Unavailable when none came: not connected, timed out, connection lost.
// Called exactly once: on the connection's thread, or before request() returns when the thread
// does not run (before start(), after stop()).
using AckDone = std::function<void(Result<Ack>)>;

// Sends frames on a connection; what the frame handler answers through.
class FrameSender {
public:
    virtual ~FrameSender() = default;
    // Sends `frame`, a request whose ack will carry `req_id`. Any thread.
    virtual void request(std::string_view cmd, std::string req_id, std::string frame,
                         AckDone done) = 0;
    // A req_id no other request of this process has: "<cmd>_<random>_<counter>".
    virtual std::string new_req_id(std::string_view cmd) = 0;
};

// Receives the message and event frames (never disconnected_event, which the connection handles),
// on the connection's thread: it must not block.
using FrameHandler = std::function<void(wecom::AiBotFrame frame, FrameSender& sender)>;

class AiBotConnection final : public FrameSender {
public:
    // `channel` names it in the log. Nothing happens before start().
    AiBotConnection(std::string channel, AiBotConnectionOptions options, FrameHandler handler);
    // Stops.
    ~AiBotConnection() override;
    AiBotConnection(const AiBotConnection&) = delete;
    AiBotConnection& operator=(const AiBotConnection&) = delete;

    // Starts the connection's thread and connects. Once: after stop() it does nothing.
    void start();
    // Closes the connection (requests waiting for an ack fail), joins the thread. Idempotent.
    void stop();

    void request(std::string_view cmd, std::string req_id, std::string frame,
                 AckDone done) override;
    std::string new_req_id(std::string_view cmd) override;

    const std::string& channel() const;
    LinkState state() const { return stats().state.load(std::memory_order_acquire); }
    const LinkStats& stats() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace groupdesk::bot
