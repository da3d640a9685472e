// FakeClock: a Clock that stands still until a test moves it; safe to read from any thread.
#pragma once

#include <atomic>
#include <chrono>

#include "common/clock.h"

namespace groupdesk::test {

class FakeClock final : public Clock {
public:
    explicit FakeClock(time_point start) : now_(start.time_since_epoch().count()) {}
    time_point now() const override { return time_point{time_point::duration{now_.load()}}; }
    void set(time_point t) { now_.store(t.time_since_epoch().count()); }
    void advance(time_point::duration d) { now_.fetch_add(d.count()); }

private:
    std::atomic<time_point::rep> now_;
};

}  // namespace groupdesk::test
