// DeadlineTimer: runs a callback when its deadline passes unless it was cancelled first; one
// thread for all of them. Used to answer a callback that is stuck (a stalled disk) in time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace groupdesk::bot {

class DeadlineTimer {
public:
    using Clock = std::chrono::steady_clock;
    // Identifies one scheduled callback for cancel().
    using Handle = std::pair<Clock::time_point, std::uint64_t>;

    DeadlineTimer();
    // Pending callbacks are dropped without running.
    ~DeadlineTimer();
    DeadlineTimer(const DeadlineTimer&) = delete;
    DeadlineTimer& operator=(const DeadlineTimer&) = delete;

    // `fire` runs on the timer's thread at or after `at`; it must be quick.
    Handle schedule(Clock::time_point at, std::function<void()> fire);
    // False when it already ran (or is running) or was cancelled.
    bool cancel(const Handle& handle);

    std::size_t pending() const;

private:
    void run();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::map<Handle, std::function<void()>> pending_;  // ordered by deadline
    std::uint64_t next_id_ = 0;
    bool stopping_ = false;
    std::thread thread_;  // last: started once everything above exists
};

}  // namespace groupdesk::bot
