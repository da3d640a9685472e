// PeriodicWorker: one thread that runs a task every interval by a Clock, early when poked.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

#include "common/clock.h"

namespace groupdesk {

// The interval is the rest between runs: the next run is due one interval after the last one
// finished by the clock, so a run that overran (or time that jumped by several intervals) is
// followed by one run, not a burst to catch up. The first run is due one interval after start.
// The task never runs on two threads at once. Waits are on real time for the system clock and
// end early when a clock that jumps (Clock::watch) says it moved, so nothing polls.
class PeriodicWorker {
public:
    using Task = std::function<void()>;
    // Told what a task threw; the schedule goes on. By default it is written to stderr.
    using OnFailure = std::function<void(std::string_view what)>;

    // `interval` must be positive (a zero one would run the task back to back).
    PeriodicWorker(const Clock& clock, Clock::duration interval, Task task,
                   OnFailure on_failure = {});
    PeriodicWorker(const PeriodicWorker&) = delete;
    PeriodicWorker& operator=(const PeriodicWorker&) = delete;
    ~PeriodicWorker();

    // Runs the task as soon as the thread is free: pokes while a run is in progress, or before
    // the thread wakes, add one run between them.
    void poke();
    // Returns once a run in progress has finished; no run starts after it. From the owner's
    // thread, never from the task.
    void stop();
    // For a task that works in slices: true once stop() was called, so it can leave early.
    bool stopping() const;

    // Runs finished (thrown or not), and when the next one is due; for tests and health pages.
    std::uint64_t runs() const;
    Clock::time_point next_due() const;

private:
    void loop();
    void run_task();

    const Clock& clock_;
    const Clock::duration interval_;
    const Task task_;
    const OnFailure on_failure_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    Clock::time_point next_due_;
    std::uint64_t runs_ = 0;
    bool poked_ = false;
    bool jumped_ = false;
    bool stopping_ = false;

    Clock::WatchId watch_id_ = 0;
    std::thread thread_;  // last: starts once everything above exists
};

}  // namespace groupdesk
