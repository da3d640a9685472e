// WorkQueue: one mutex-guarded deque, workers that sleep on a condition variable.
#include "bot/work_queue.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

namespace groupdesk::bot {

WorkQueue::WorkQueue(unsigned threads, std::size_t max_queued) : max_queued_(max_queued) {
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

WorkQueue::~WorkQueue() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

bool WorkQueue::submit(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || tasks_.size() >= max_queued_) return false;
        tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
    return true;
}

std::size_t WorkQueue::queued() const {
    std::lock_guard lock(mutex_);
    return tasks_.size();
}

void WorkQueue::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;  // stopping, and everything queued has run
        std::function<void()> task = std::move(tasks_.front());
        tasks_.pop_front();
        lock.unlock();
        try {
            task();
        } catch (const std::exception& e) {
            spdlog::error("work queue: a task threw: {}", e.what());
        } catch (...) {
            spdlog::error("work queue: a task threw a non-exception");
        }
        lock.lock();
    }
}

}  // namespace groupdesk::bot
