// The connection registry: admission at max_connections, body reservations under
// max_buffered_body_bytes, and the once-a-second report of what was refused or closed.
#include "bot/details/connection_registry.h"

#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <vector>

namespace groupdesk::bot::details {
namespace {

std::string period(const LogThrottle::Line& line) {
    return line.seconds > 0 ? fmt::format(" in the last {:.1f} s", line.seconds) : "";
}

}  // namespace

ConnectionRegistry::ConnectionRegistry(const config::HttpLimits& limits, HttpServerStats& stats)
    : max_connections_(limits.max_connections),
      max_buffered_(limits.max_buffered_body_bytes),
      stats_(stats) {}

ConnectionRegistry::Id ConnectionRegistry::admit(std::weak_ptr<RegisteredConnection> connection,
                                                 Clock::time_point now) {
    std::shared_ptr<RegisteredConnection> victim;
    std::optional<LogThrottle::Line> line;
    Id id = kRefused;
    {
        std::lock_guard lock(mutex_);
        if (admitted_ >= max_connections_ && !waiting_.empty()) {
            const Id oldest = waiting_.begin()->second;
            victim = close_locked(oldest, entries_.at(oldest));
            line = connection_log_.note(1, now);
        }
        if (admitted_ < max_connections_) {
            id = next_id_++;
            entries_.emplace(id, Entry{std::move(connection), Stage::Fresh, now});
            waiting_.emplace(now, id);
            ++admitted_;
        } else {
            stats_.connections_rejected.fetch_add(1, std::memory_order_relaxed);
            line = connection_log_.note(0, now);
        }
        publish_locked();
    }
    if (victim) victim->close_soon();
    if (line) {
        spdlog::warn(
            "http: connection limit {} reached: {} connections refused, {} waiting "
            "connections closed{}",
            max_connections_, line->counts[0], line->counts[1], period(*line));
    }
    return id;
}

void ConnectionRegistry::header_started(Id id) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it != entries_.end() && it->second.stage == Stage::Idle) it->second.stage = Stage::Header;
}

ConnectionRegistry::Start ConnectionRegistry::start_request(Id id, std::size_t body_bytes,
                                                            Clock::time_point now) {
    std::vector<std::shared_ptr<RegisteredConnection>> shed;
    std::optional<LogThrottle::Line> line;
    Start result = Start::Go;
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(id);
        if (it == entries_.end() || it->second.closing) return Start::Closed;
        Entry& e = it->second;
        release_locked(id, e);
        e.stage = Stage::Busy;
        if (body_bytes > max_buffered_) {
            stats_.bodies_rejected.fetch_add(1, std::memory_order_relaxed);
            line = body_log_.note(0, now);
            result = Start::OverBudget;
        } else if (body_bytes > 0) {
            // Every reservation belongs to a connection in bodies_, so this loop makes room.
            while (buffered_ + body_bytes > max_buffered_ && !bodies_.empty()) {
                const Id longest = bodies_.begin()->second;
                if (auto c = close_locked(longest, entries_.at(longest))) shed.push_back(c);
                line = body_log_.note(1, now);
            }
            e.stage = Stage::Body;
            e.since = now;
            e.reserved = body_bytes;
            buffered_ += body_bytes;
            bodies_.emplace(now, id);
        }
        publish_locked();
    }
    for (auto& c : shed) c->close_soon();
    if (line) {
        spdlog::warn(
            "http: body buffer limit of {} bytes reached: {} requests refused, {} "
            "stalled bodies closed{}",
            max_buffered_, line->counts[0], line->counts[1], period(*line));
    }
    return result;
}

bool ConnectionRegistry::body_done(Id id) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.closing) return false;
    release_locked(id, it->second);
    it->second.stage = Stage::Busy;
    publish_locked();
    return true;
}

void ConnectionRegistry::idle(Id id, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.closing) return;
    release_locked(id, it->second);
    it->second.stage = Stage::Idle;
    it->second.since = now;
    waiting_.emplace(now, id);
}

void ConnectionRegistry::remove(Id id) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    if (!it->second.closing) {
        release_locked(id, it->second);
        --admitted_;
    }
    entries_.erase(it);
    publish_locked();
}

void ConnectionRegistry::stop_idle() {
    std::vector<std::shared_ptr<RegisteredConnection>> live;
    {
        std::lock_guard lock(mutex_);
        live.reserve(entries_.size());
        for (auto& [id, e] : entries_) {
            if (auto c = e.connection.lock()) live.push_back(std::move(c));
        }
    }
    for (auto& c : live) c->stop_if_idle();
}

// Takes the connection out of every queue and out of the count at once: its slot and its
// reservation are free before it has actually closed.
std::shared_ptr<RegisteredConnection> ConnectionRegistry::close_locked(Id id, Entry& e) {
    auto& counter = e.stage == Stage::Body   ? stats_.closed_body_shed
                    : e.stage == Stage::Idle ? stats_.closed_idle
                                             : stats_.closed_slow_header;
    counter.fetch_add(1, std::memory_order_relaxed);
    release_locked(id, e);
    e.closing = true;
    --admitted_;
    return e.connection.lock();
}

void ConnectionRegistry::release_locked(Id id, Entry& e) {
    if (e.stage == Stage::Body) {
        bodies_.erase({e.since, id});
        buffered_ -= e.reserved;
        e.reserved = 0;
    } else if (e.stage != Stage::Busy) {
        waiting_.erase({e.since, id});
    }
}

void ConnectionRegistry::publish_locked() {
    stats_.connections_open.store(admitted_, std::memory_order_relaxed);
    stats_.buffered_body_bytes.store(buffered_, std::memory_order_relaxed);
}

}  // namespace groupdesk::bot::details
