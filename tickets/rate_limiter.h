// RateLimiter: sliding windows per key, so sends keep the platforms' documented limits instead of
// discovering them through refusals (which count against the limit too; wecom-protocol.md §11).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "tickets/ticket.h"

namespace groupdesk::tickets {

class RateLimiter {
public:
    struct Limit {
        std::size_t max = 0;              // at most this many sends ...
        std::chrono::seconds window{60};  // ... in any window of this length
    };

    // Takes a slot for `key` at `now` when every limit has one, and returns nullopt; otherwise
    // takes nothing and returns when the earliest slot frees. Thread-safe.
    std::optional<time_point> try_acquire(const std::string& key, std::span<const Limit> limits,
                                          time_point now);

private:
    static constexpr std::uint64_t kForgetEvery = 4096;

    std::mutex mutex_;
    std::uint64_t calls_ = 0;
    // Send times per key, oldest first, kept for the longest window asked about.
    std::unordered_map<std::string, std::deque<time_point>> sent_;
};

}  // namespace groupdesk::tickets
