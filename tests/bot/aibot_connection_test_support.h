// What the long connection's unit tests share: readable states, bounded waits, an AckDone
// recorder and frame builders.
#pragma once

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
inline void PrintTo(LinkState state, std::ostream* os) { *os << to_string(state); }
}  // namespace groupdesk::bot

namespace groupdesk::test::aibot {

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
inline bool wait_until(const std::function<bool()>& predicate, std::chrono::milliseconds timeout = 5s) {
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

inline std::string push_frame(const std::string& req_id) {
    return Json{{"cmd", "aibot_send_msg"},
                {"headers", {{"req_id", req_id}}},
                {"body",
                 {{"chatid", "wrkChat"},
                  {"chat_type", 2},
                  {"msgtype", "markdown"},
                  {"markdown", {{"content", "hello"}}}}}}
        .dump();
}

inline std::uint64_t in(const AiBotConnection& c, std::string_view cmd) {
    return c.stats().frames_in[LinkStats::frame_slot(cmd)].load();
}
inline std::uint64_t out(const AiBotConnection& c, std::string_view cmd) {
    return c.stats().frames_out[LinkStats::frame_slot(cmd)].load();
}


}  // namespace groupdesk::test::aibot
