// The long connection's life: connect → subscribe → pings, acks matched by req_id, and what a
// drop, a refusal or a takeover leads to. Everything runs on the connection's own thread; the
// public calls post to it.
#include "bot/aibot_connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "bot/details/ws_link.h"
#include "common/log_text.h"

namespace groupdesk::bot {
namespace {

namespace net = boost::asio;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The platform's answer to a wrong bot id or secret (observed; wecom-protocol.md §10.4): trying
// again cannot help, and repeated subscribes are rate-limited.
constexpr std::int64_t kInvalidCredentials = 853000;
// How long stop() lets a close handshake take before the thread gives up on it.
constexpr milliseconds kStopGrace{2000};

}  // namespace

std::string_view to_string(LinkState state) noexcept {
    switch (state) {
        case LinkState::Idle:
            return "idle";
        case LinkState::Connecting:
            return "connecting";
        case LinkState::Subscribing:
            return "subscribing";
        case LinkState::Up:
            return "up";
        case LinkState::Waiting:
            return "waiting";
        case LinkState::TakenOver:
            return "taken_over";
        case LinkState::Refused:
            return "refused";
        case LinkState::Stopped:
            return "stopped";
    }
    return "idle";
}

bool is_down_for_good(LinkState state) noexcept {
    return state == LinkState::TakenOver || state == LinkState::Refused;
}

std::size_t LinkStats::frame_slot(std::string_view cmd) noexcept {
    if (cmd.empty()) return kCmds.size() - 2;  // an ack
    const auto it = std::find(kCmds.begin(), kCmds.end() - 2, cmd);
    return it == kCmds.end() - 2 ? kCmds.size() - 1 : std::size_t(it - kCmds.begin());
}

struct AiBotConnection::Impl final : details::WsLinkEvents,
                                     std::enable_shared_from_this<AiBotConnection::Impl> {
    struct Pending {
        std::string cmd;
        Steady::time_point sent;
        AckDone done;
        std::unique_ptr<net::steady_timer> timeout;
    };

    Impl(AiBotConnection& owner, std::string name, AiBotConnectionOptions opts,
         FrameHandler on_frame)
        : self(owner),
          channel(std::move(name)),
          options(std::move(opts)),
          handler(std::move(on_frame)),
          tls(details::make_tls_client_context()),
          work(net::make_work_guard(io)),
          ping_timer(io),
          retry_timer(io),
          stop_timer(io),
          rng(std::random_device{}()) {}

    // --- on the connection's thread ---

    void set_state(LinkState s) { stats.state.store(s, std::memory_order_release); }

    void connect() {
        if (stopping) return;
        auto at = details::parse_ws_url(options.url);
        if (!at.ok()) {  // the config checked it; kept as a clear refusal anyway
            spdlog::error("aibot {}: long connection URL: {}", channel, at.error().message);
            set_state(LinkState::Refused);
            return;
        }
        set_state(LinkState::Connecting);
        link = details::open_ws_link(io, tls, *at, details::WsLinkOptions{options.connect_timeout},
                                     *this);
    }

    void on_open() override {
        stats.connects.fetch_add(1, std::memory_order_relaxed);
        set_state(LinkState::Subscribing);
        const std::string req_id = make_req_id(wecom::kCmdSubscribe);
        send_request(std::string(wecom::kCmdSubscribe), req_id,
                     wecom::encode_subscribe_frame(req_id, options.bot_id, options.secret),
                     [this](Result<Ack> ack) { on_subscribed(ack); });
    }

    void on_subscribed(const Result<Ack>& ack) {
        if (stopping || link == nullptr) return;
        if (ack.ok() && ack->errcode == 0) {
            set_state(LinkState::Up);
            spdlog::info("aibot {}: long connection up", channel);
            schedule_ping();
            return;
        }
        if (ack.ok() && ack->errcode == kInvalidCredentials) {
            spdlog::error(
                "aibot {}: the platform refused the bot_id or secret (errcode {}: {}); the long "
                "connection stays down until GroupDesk is restarted with the right ones",
                channel, ack->errcode, log_text(ack->errmsg, 200));
            down_for_good = LinkState::Refused;
        } else if (ack.ok()) {
            spdlog::warn("aibot {}: subscription refused: errcode {}: {}", channel, ack->errcode,
                         log_text(ack->errmsg, 200));
        } else {
            spdlog::warn("aibot {}: subscription unanswered: {}", channel, ack.error().message);
        }
        link->close();
    }

    void on_text(std::string text) override {
        auto frame = wecom::decode_aibot_frame(text);
        if (!frame.ok()) {
            stats.bad_frames.fetch_add(1, std::memory_order_relaxed);
            spdlog::warn("aibot {}: undecodable frame ({} bytes): {}", channel, text.size(),
                         frame.error().message);
            return;
        }
        stats.frames_in[LinkStats::frame_slot(frame->cmd)].fetch_add(1, std::memory_order_relaxed);
        if (frame->is_ack()) return on_ack(*frame);
        if (frame->disconnected) return on_taken_over();
        if (!frame->message) {
            spdlog::info("aibot {}: frame with unknown cmd {} ignored", channel,
                         log_text(frame->cmd, 64));
            return;
        }
        handler(std::move(frame).value(), self);
    }

    void on_taken_over() {
        spdlog::error(
            "aibot {}: disconnected_event: another connection took the bot over (one bot has "
            "one active GroupDesk instance); this one stays down until restarted",
            channel);
        down_for_good = LinkState::TakenOver;
        if (link) link->close();
    }

    void on_ack(const wecom::AiBotFrame& frame) {
        const auto it = pending.find(frame.req_id);
        if (it == pending.end()) {
            spdlog::debug("aibot {}: ack for unknown or expired req_id {}", channel,
                          log_text(frame.req_id, 128));
            return;
        }
        Pending p = std::move(it->second);
        pending.erase(it);
        p.timeout->cancel();
        stats.ack_latency.observe(std::chrono::duration<double>(Steady::now() - p.sent).count());
        p.done(Ack{frame.errcode.value_or(0), frame.errmsg});
    }

    void send_request(std::string cmd, std::string req_id, std::string frame, AckDone done) {
        const bool subscribing = cmd == wecom::kCmdSubscribe;
        const LinkState now = stats.state.load(std::memory_order_acquire);
        if (link == nullptr || (now != LinkState::Up && !subscribing)) {
            done(make_error(ErrorCode::Unavailable, "long connection of " + channel + " is " +
                                                        std::string(to_string(now))));
            return;
        }
        auto timer = std::make_unique<net::steady_timer>(io, options.ack_timeout);
        timer->async_wait([weak = weak_from_this(), req_id](boost::system::error_code ec) {
            auto me = weak.lock();
            if (!ec && me) me->on_ack_timeout(req_id);
        });
        stats.frames_out[LinkStats::frame_slot(cmd)].fetch_add(1, std::memory_order_relaxed);
        // The same req_id twice (a frame the platform delivered again, answered again): the
        // older request can no longer be told from the newer; it is reported as superseded.
        if (const auto old = pending.find(req_id); old != pending.end()) {
            Pending superseded = std::move(old->second);
            pending.erase(old);
            superseded.timeout->cancel();
            superseded.done(
                make_error(ErrorCode::Unavailable,
                           superseded.cmd + " superseded by a request with its req_id"));
        }
        pending[req_id] = Pending{std::move(cmd), Steady::now(), std::move(done), std::move(timer)};
        link->send(std::move(frame));
    }

    void on_ack_timeout(const std::string& req_id) {
        const auto it = pending.find(req_id);
        if (it == pending.end()) return;
        Pending p = std::move(it->second);
        pending.erase(it);
        stats.ack_timeouts.fetch_add(1, std::memory_order_relaxed);
        p.done(make_error(
            ErrorCode::Unavailable,
            p.cmd + " unanswered after " + std::to_string(options.ack_timeout.count()) + " ms"));
    }

    void schedule_ping() {
        ping_timer.expires_after(options.ping_interval);
        ping_timer.async_wait([this](boost::system::error_code ec) {
            if (ec || stopping || stats.state.load() != LinkState::Up) return;
            const std::string req_id = make_req_id(wecom::kCmdPing);
            send_request(std::string(wecom::kCmdPing), req_id, wecom::encode_ping_frame(req_id),
                         [this](Result<Ack> ack) {
                             if (ack.ok()) {
                                 // A connection that answers its pings is a good one: the next
                                 // drop starts the backoff afresh.
                                 failures = 0;
                                 return;
                             }
                             if (stopping || link == nullptr) return;
                             spdlog::warn("aibot {}: {}; reconnecting", channel,
                                          ack.error().message);
                             link->close();
                         });
            schedule_ping();
        });
    }

    void on_closed(std::string why) override {
        link.reset();
        ping_timer.cancel();
        fail_pending("long connection lost: " + why);
        if (stopping) {
            set_state(LinkState::Stopped);
            stop_timer.cancel();
            return;
        }
        if (down_for_good) {
            set_state(*down_for_good);
            return;
        }
        const milliseconds delay = backoff();
        set_state(LinkState::Waiting);
        spdlog::warn("aibot {}: long connection down ({}); opening it again in {} ms", channel,
                     log_text(why, 300), delay.count());
        retry_timer.expires_after(delay);
        retry_timer.async_wait([this](boost::system::error_code ec) {
            if (ec || stopping) return;
            stats.reconnects.fetch_add(1, std::memory_order_relaxed);
            connect();
        });
    }

    void fail_pending(const std::string& why) {
        auto failed = std::move(pending);
        pending.clear();
        for (auto& [id, p] : failed) {
            p.timeout->cancel();
            p.done(make_error(ErrorCode::Unavailable, why));
        }
    }

    // Doubles from reconnect_initial to reconnect_max with each failure in a row; a random
    // half of it is taken off, so that instances dropped together do not come back together.
    milliseconds backoff() {
        const int shift = std::min(failures++, 30);
        const auto cap = options.reconnect_max.count();
        const auto full = std::min<std::int64_t>(cap, options.reconnect_initial.count() << shift);
        std::uniform_int_distribution<std::int64_t> pick(full / 2, full);
        return milliseconds(pick(rng));
    }

    std::string make_req_id(std::string_view cmd) {
        std::lock_guard lock(id_mutex);
        std::uniform_int_distribution<std::uint64_t> pick;
        char random[17];
        std::snprintf(random, sizeof random, "%016llx",
                      static_cast<unsigned long long>(pick(id_rng)));
        return std::string(cmd) + "_" + random + "_" + std::to_string(++id_counter);
    }

    void begin_stop() {
        if (stopping) return;
        stopping = true;
        retry_timer.cancel();
        ping_timer.cancel();
        if (link) {
            link->close();
            // A close handshake the server never answers must not hold the process.
            stop_timer.expires_after(kStopGrace);
            stop_timer.async_wait([this](boost::system::error_code ec) {
                if (ec) return;
                // on_closed will not come in time: what it would have done is done here.
                fail_pending("long connection of " + channel + " stopped");
                set_state(LinkState::Stopped);
                io.stop();
            });
        } else {
            set_state(LinkState::Stopped);
        }
        work.reset();
    }

    AiBotConnection& self;
    const std::string channel;
    const AiBotConnectionOptions options;
    const FrameHandler handler;
    LinkStats stats;
    net::io_context io;
    net::ssl::context tls;
    net::executor_work_guard<net::io_context::executor_type> work;
    net::steady_timer ping_timer;
    net::steady_timer retry_timer;
    net::steady_timer stop_timer;
    std::shared_ptr<details::WsLink> link;
    std::map<std::string, Pending> pending;
    std::optional<LinkState> down_for_good;
    bool stopping = false;
    int failures = 0;  // drops in a row
    std::mt19937_64 rng;
    std::mutex id_mutex;
    std::mt19937_64 id_rng{std::random_device{}()};
    std::uint64_t id_counter = 0;
    // Requests are posted only while the thread runs, so that none waits in a queue no one will
    // ever run: before start(), and once stop() has joined the thread, they fail at once.
    enum class Run { NotStarted, Running, Ended };
    std::mutex run_mutex;
    Run run = Run::NotStarted;
    std::thread thread;
};

AiBotConnection::AiBotConnection(std::string channel, AiBotConnectionOptions options,
                                 FrameHandler handler)
    : impl_(std::make_shared<Impl>(*this, std::move(channel), std::move(options),
                                   std::move(handler))) {}

AiBotConnection::~AiBotConnection() { stop(); }

void AiBotConnection::start() {
    std::lock_guard lock(impl_->run_mutex);
    if (impl_->run != Impl::Run::NotStarted) return;
    impl_->run = Impl::Run::Running;
    net::post(impl_->io, [impl = impl_.get()] { impl->connect(); });
    impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

void AiBotConnection::stop() {
    {
        std::lock_guard lock(impl_->run_mutex);
        if (impl_->run != Impl::Run::Running) {
            impl_->run = Impl::Run::Ended;
            impl_->set_state(LinkState::Stopped);
            return;
        }
    }
    net::post(impl_->io, [impl = impl_.get()] { impl->begin_stop(); });
    impl_->thread.join();
    {
        std::lock_guard lock(impl_->run_mutex);
        impl_->run = Impl::Run::Ended;
    }
    // Requests still queued when the thread ended (their posts never ran) cannot be answered by
    // it; running what is left of the queue here reports them as failed.
    impl_->io.restart();
    impl_->io.poll();
}

void AiBotConnection::request(std::string_view cmd, std::string req_id, std::string frame,
                              AckDone done) {
    {
        std::lock_guard lock(impl_->run_mutex);
        if (impl_->run == Impl::Run::Running) {
            net::post(impl_->io,
                      [impl = impl_.get(), cmd = std::string(cmd), req_id = std::move(req_id),
                       frame = std::move(frame), done = std::move(done)]() mutable {
                          impl->send_request(std::move(cmd), std::move(req_id), std::move(frame),
                                             std::move(done));
                      });
            return;
        }
    }
    // Not started, or stopped: no thread will run a post, so it is reported here.
    done(make_error(ErrorCode::Unavailable, "long connection of " + impl_->channel + " is " +
                                                std::string(to_string(state()))));
}

std::string AiBotConnection::new_req_id(std::string_view cmd) { return impl_->make_req_id(cmd); }

const std::string& AiBotConnection::channel() const { return impl_->channel; }
const LinkStats& AiBotConnection::stats() const { return impl_->stats; }

}  // namespace groupdesk::bot
