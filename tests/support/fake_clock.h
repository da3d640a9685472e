// FakeClock: a Clock that stands still until a test moves it; safe to read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <utility>

#include "common/clock.h"

namespace groupdesk::test {

class FakeClock final : public Clock {
public:
    explicit FakeClock(time_point start) : now_(start.time_since_epoch().count()) {}
    time_point now() const override { return time_point{time_point::duration{now_.load()}}; }
    void set(time_point t) {
        now_.store(t.time_since_epoch().count());
        notify_watchers();
    }
    void advance(time_point::duration d) {
        now_.fetch_add(d.count());
        notify_watchers();
    }

    WatchId watch(std::function<void()> on_jump) const override {
        std::lock_guard lock(watchers_mutex_);
        watchers_.emplace(++last_id_, std::move(on_jump));
        return last_id_;
    }
    void unwatch(WatchId id) const override {
        std::lock_guard lock(watchers_mutex_);
        watchers_.erase(id);
    }

private:
    // Called under the lock, so unwatch() returns only once no call is running.
    void notify_watchers() {
        std::lock_guard lock(watchers_mutex_);
        for (auto& [id, on_jump] : watchers_) on_jump();
    }

    std::atomic<time_point::rep> now_;
    mutable std::mutex watchers_mutex_;
    mutable std::map<WatchId, std::function<void()>> watchers_;
    mutable WatchId last_id_ = 0;
};

}  // namespace groupdesk::test
