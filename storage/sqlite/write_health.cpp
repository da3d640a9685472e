// WriteHealth: the writer's last outcome and how long its current write has run.
#include "storage/sqlite/write_health.h"

#include <utility>

namespace groupdesk::storage::sqlite {

void WriteHealth::started() {
    std::lock_guard lock(mutex_);
    running_since_ = Clock::now();
}

bool WriteHealth::succeeded() {
    std::lock_guard lock(mutex_);
    running_since_.reset();
    const bool changed = !failure_.empty();
    failure_.clear();
    return changed;
}

bool WriteHealth::failed(std::string reason, std::string public_reason) {
    std::lock_guard lock(mutex_);
    running_since_.reset();
    const bool changed = failure_ != reason;
    failure_ = std::move(reason);
    failure_public_ = std::move(public_reason);
    return changed;
}

void WriteHealth::closed() {
    std::lock_guard lock(mutex_);
    closed_ = true;
}

Status WriteHealth::status() const {
    std::lock_guard lock(mutex_);
    if (closed_) {
        return with_public_reason(make_error(ErrorCode::Unavailable, "database writer is closed"),
                                  "database writer is closed");
    }
    if (running_since_) {
        const auto running =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - *running_since_);
        if (running >= stall_after_) {
            // Tenths of a second: test thresholds are well under one.
            const auto tenths = running.count() / 100;
            std::string stalled = "database writes stalled for " + std::to_string(tenths / 10) +
                                  "." + std::to_string(tenths % 10) +
                                  " s (a commit has not returned: disk frozen or failing?)";
            // Only our own numbers: safe to show.
            return with_public_reason(make_error(ErrorCode::Unavailable, stalled), stalled);
        }
    }
    if (!failure_.empty()) {
        return with_public_reason(make_error(ErrorCode::Unavailable, failure_), failure_public_);
    }
    return ok_status();
}

}  // namespace groupdesk::storage::sqlite
