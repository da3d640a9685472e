// DeadlineTimer: an ordered map of deadlines and a thread that sleeps until the first of them.
#include "bot/deadline_timer.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace groupdesk::bot {

DeadlineTimer::DeadlineTimer() : thread_([this] { run(); }) {}

DeadlineTimer::~DeadlineTimer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

DeadlineTimer::Handle DeadlineTimer::schedule(Clock::time_point at, std::function<void()> fire) {
    std::unique_lock lock(mutex_);
    Handle handle{at, next_id_++};
    const bool earliest = pending_.empty() || handle < pending_.begin()->first;
    pending_.emplace(handle, std::move(fire));
    lock.unlock();
    // Deadlines mostly come in order, so the sleeper rarely needs waking.
    if (earliest) wake_.notify_one();
    return handle;
}

bool DeadlineTimer::cancel(const Handle& handle) {
    std::lock_guard lock(mutex_);
    return pending_.erase(handle) > 0;
}

std::size_t DeadlineTimer::pending() const {
    std::lock_guard lock(mutex_);
    return pending_.size();
}

void DeadlineTimer::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (pending_.empty()) {
            wake_.wait(lock);
            continue;
        }
        auto first = pending_.begin();
        // A copy: while this thread waits, cancel() may erase the entry the deadline lives in.
        const Clock::time_point due = first->first.first;
        if (Clock::now() < due) {
            wake_.wait_until(lock, due);
            continue;
        }
        std::function<void()> fire = std::move(first->second);
        pending_.erase(first);
        lock.unlock();
        try {
            fire();
        } catch (const std::exception& e) {
            spdlog::error("deadline timer: a callback threw: {}", e.what());
        } catch (...) {
            spdlog::error("deadline timer: a callback threw a non-exception");
        }
        lock.lock();
    }
}

}  // namespace groupdesk::bot
