// Clock: the one source of "now", so that tests can set the time (the 48-hour window, expiry).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace groupdesk {

class Clock {
public:
    using time_point = std::chrono::system_clock::time_point;
    using duration = time_point::duration;
    virtual ~Clock() = default;
    virtual time_point now() const = 0;

    // A clock that jumps (a test's) calls its watchers after each jump, so a thread waiting for a
    // time by it can look again; real time only passes, so the system clock never calls them.
    using WatchId = std::uint64_t;
    // NOLINTNEXTLINE(performance-unnecessary-value-param): a sink; a clock that keeps it moves it
    virtual WatchId watch(std::function<void()> /*on_jump*/) const { return 0; }
    // Returns once no call of that watcher is running, and none will start.
    virtual void unwatch(WatchId /*id*/) const {}
};

class SystemClock final : public Clock {
public:
    time_point now() const override { return std::chrono::system_clock::now(); }
};

inline std::int64_t to_unix_seconds(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

inline Clock::time_point from_unix_seconds(std::int64_t seconds) {
    return Clock::time_point{std::chrono::seconds{seconds}};
}

}  // namespace groupdesk
