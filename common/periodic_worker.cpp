// PeriodicWorker: the loop that waits for the next due time, a poke, a clock jump or stop.
#include "common/periodic_worker.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>

namespace groupdesk {
namespace {

// A wait this long ends, is found early, and starts again: it keeps a far due time from
// overflowing the condition variable's arithmetic and costs one wake-up a day.
constexpr auto kLongestWait = std::chrono::hours{24};

void write_to_stderr(std::string_view what) {
    std::string line = "periodic task failed: ";
    line.append(what);
    line.push_back('\n');
    std::fputs(line.c_str(), stderr);
}

}  // namespace

PeriodicWorker::PeriodicWorker(const Clock& clock, Clock::duration interval, Task task,
                               OnFailure on_failure)
    : clock_(clock),
      interval_(interval),
      task_(std::move(task)),
      on_failure_(on_failure ? std::move(on_failure) : OnFailure{write_to_stderr}),
      next_due_(clock.now() + interval) {
    // Watched before the thread starts and unwatched after it ends, so the watcher (which takes
    // mutex_ under the clock's own lock) and the thread never take the two in opposite orders.
    watch_id_ = clock_.watch([this] {
        std::lock_guard lock(mutex_);
        jumped_ = true;
        wake_.notify_all();
    });
    thread_ = std::thread([this] { loop(); });
}

PeriodicWorker::~PeriodicWorker() {
    stop();
    clock_.unwatch(watch_id_);
}

void PeriodicWorker::poke() {
    std::lock_guard lock(mutex_);
    poked_ = true;
    wake_.notify_all();
}

void PeriodicWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool PeriodicWorker::stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
}

std::uint64_t PeriodicWorker::runs() const {
    std::lock_guard lock(mutex_);
    return runs_;
}

Clock::time_point PeriodicWorker::next_due() const {
    std::lock_guard lock(mutex_);
    return next_due_;
}

void PeriodicWorker::loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        // Read under the lock: a jump's watcher needs it, so it either ran before this read
        // (and the new time is seen here) or finds the thread waiting below.
        const auto now = clock_.now();
        if (poked_ || now >= next_due_) {
            poked_ = false;
            lock.unlock();
            run_task();
            lock.lock();
            next_due_ = clock_.now() + interval_;
            ++runs_;
            continue;
        }
        jumped_ = false;
        const auto wait = std::min<Clock::duration>(next_due_ - now, kLongestWait);
        wake_.wait_for(lock, wait, [this] { return stopping_ || poked_ || jumped_; });
    }
}

void PeriodicWorker::run_task() {
    // A failed run is reported and the next one comes as usual: one bad pass (a busy disk)
    // should not end a sweep for the life of the process.
    try {
        task_();
    } catch (const std::exception& e) {
        on_failure_(e.what());
    } catch (...) {
        on_failure_("unknown exception");
    }
}

}  // namespace groupdesk
