// WriteHealth: what the database writer last saw, readable by /healthz without touching the disk.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "common/result.h"

namespace groupdesk::storage::sqlite {

// The writer reports around each commit or probe; status() reads the outcome. The mutex is held
// for a few instructions only, never across a write, so status() cannot block on a frozen disk.
class WriteHealth {
public:
    using Clock = std::chrono::steady_clock;

    explicit WriteHealth(std::chrono::milliseconds stall_after) : stall_after_(stall_after) {}

    void started();
    // Each returns true when the state changed (ok → failing, another reason, failing → ok), so
    // the writer logs an episode once rather than at every probe.
    bool succeeded();
    // `reason` for the log; `public_reason` for the health check's answer (no SQLite text).
    bool failed(std::string reason, std::string public_reason);
    void closed();

    // Unavailable with a short reason: the last write failed, a write has been running for longer
    // than stall_after, or the store is closed. Ok otherwise. The error's public reason is what
    // /healthz may say.
    Status status() const;

private:
    const std::chrono::milliseconds stall_after_;
    mutable std::mutex mutex_;
    std::optional<Clock::time_point> running_since_;
    std::string failure_;  // empty while the last write succeeded
    std::string failure_public_;
    bool closed_ = false;
};

}  // namespace groupdesk::storage::sqlite
