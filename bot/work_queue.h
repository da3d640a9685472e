// WorkQueue: a fixed set of worker threads for the work of a callback that may wait on the disk
// (store lookups, durable writes), so that an HTTP I/O thread never does.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace groupdesk::bot {

class WorkQueue {
public:
    // `max_queued` bounds the tasks waiting for a worker: past it, submit() refuses, so a stalled
    // disk turns into quick refusals instead of an ever-growing queue.
    WorkQueue(unsigned threads, std::size_t max_queued);
    // Runs what is queued, then joins the workers.
    ~WorkQueue();
    WorkQueue(const WorkQueue&) = delete;
    WorkQueue& operator=(const WorkQueue&) = delete;

    // Queues `task` for a worker; false (and `task` dropped) when the queue is full or stopping.
    // A task that throws is logged and does not take its worker down.
    [[nodiscard]] bool submit(std::function<void()> task);

    std::size_t queued() const;

private:
    void work();

    const std::size_t max_queued_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;  // last: started once everything above exists
};

}  // namespace groupdesk::bot
