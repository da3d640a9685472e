// ReplyWindowWorker: wake at the earliest next_alert_at, run what is due, sleep again.
#include "tickets/reply_window_worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace groupdesk::tickets {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::size_t kBatch = 256;
constexpr auto kStoreRetry = seconds{5};
// Cheap insurance against a missed wake-up (a clock that jumped without telling).
constexpr auto kIdleLook = minutes{5};

}  // namespace

ReplyWindowWorker::ReplyWindowWorker(ReplyWindowService& service, ConversationStore& store,
                                     const Clock& clock, std::function<void()> on_rows)
    : service_(service), store_(store), clock_(clock), on_rows_(std::move(on_rows)) {
    watch_ = clock_.watch([this] { poke(); });
    thread_ = std::thread([this] { loop(); });
}

ReplyWindowWorker::~ReplyWindowWorker() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    clock_.unwatch(watch_);
}

void ReplyWindowWorker::poke() {
    {
        std::lock_guard lock(mutex_);
        poked_ = true;
    }
    wake_.notify_all();
}

void ReplyWindowWorker::scheduled(time_point at) {
    {
        std::lock_guard lock(mutex_);
        if (planned_ && *planned_ <= at) return;
        poked_ = true;
    }
    wake_.notify_all();
}

std::uint64_t ReplyWindowWorker::passes() const {
    std::lock_guard lock(mutex_);
    return passes_;
}

void ReplyWindowWorker::loop() {
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            poked_ = false;
            planned_.reset();  // looking now: any new schedule is earlier than "never"
        }
        const time_point now = clock_.now();
        Clock::duration wait = kIdleLook;
        auto looked = service_.run_due(now, kBatch);
        {
            std::lock_guard lock(mutex_);
            ++passes_;
        }
        if (!looked.ok()) {
            spdlog::warn("reply window: looking for due alerts failed: {}", looked.error().message);
            wait = kStoreRetry;
        } else {
            if (*looked > 0 && on_rows_) on_rows_();
            if (*looked == kBatch) continue;  // more may be due right now
            auto next = store_.next_due();
            if (!next.ok()) {
                wait = kStoreRetry;
            } else if (next->has_value()) {
                wait = std::max<Clock::duration>(**next - now, Clock::duration::zero());
                if (wait == Clock::duration::zero()) continue;
            }
        }
        std::unique_lock lock(mutex_);
        const Clock::duration capped = std::min<Clock::duration>(wait, kIdleLook);
        planned_ = now + capped;
        // Real time, not the clock: a test's FakeClock wakes this through its jump watcher.
        wake_.wait_for(lock, capped, [&] { return stopping_ || poked_; });
    }
}

}  // namespace groupdesk::tickets
