// Waiting for a callback's durable writes: a countdown shared by their reports.
#include "handlers/effects.h"

#include <memory>
#include <mutex>

namespace groupdesk::handlers {
namespace {

class Countdown {
public:
    Countdown(std::size_t writes, std::function<void(std::optional<std::string>)> then)
        : remaining_(writes), then_(std::move(then)) {}

    void done(const Status& status) {
        std::unique_lock lock(mutex_);
        if (!status.ok() && !failure_) failure_ = status.error().message;
        if (--remaining_ > 0) return;
        lock.unlock();
        then_(std::move(failure_));
    }

private:
    std::mutex mutex_;
    std::size_t remaining_;
    std::optional<std::string> failure_;
    std::function<void(std::optional<std::string>)> then_;
};

}  // namespace

void when_durable(std::vector<DurableWrite>& writes,
                  std::function<void(std::optional<std::string> failure)> then,
                  const WriteGroup& group) {
    if (writes.empty()) return then(std::nullopt);
    auto countdown = std::make_shared<Countdown>(writes.size(), std::move(then));
    const auto start = [&writes, &countdown] {
        for (auto& write : writes) {
            write([countdown](const Status& status) { countdown->done(status); });
        }
    };
    if (group) {
        group(start);
    } else {
        start();
    }
}

}  // namespace groupdesk::handlers
