// Clock: the one source of "now", so that tests can set the time (the 48-hour window, expiry).
#pragma once

#include <chrono>
#include <cstdint>

namespace groupdesk {

class Clock {
public:
    using time_point = std::chrono::system_clock::time_point;
    virtual ~Clock() = default;
    virtual time_point now() const = 0;
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
