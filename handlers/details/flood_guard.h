// FloodGuard: when a key (a rule in a chat, a user's default reply) last passed, for one
// interval, in bounded memory. Keys are kept as 64-bit fingerprints in two generations: entries
// older than two intervals are dropped wholesale instead of swept one by one, and a flood of
// distinct chats costs a few tens of bytes per chat up to a fixed cap.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <absl/container/flat_hash_map.h>

namespace groupdesk::handlers::details {

class FloodGuard {
public:
    using time_point = std::chrono::system_clock::time_point;

    // `max_entries` bounds both generations together: past half of it in the newer one, the
    // older is forgotten early, so a key may pass again within the interval under such a flood
    // rather than memory growing without bound.
    FloodGuard(std::chrono::seconds interval, std::size_t max_entries);

    // True (and noted) when `key` last passed `interval` or longer ago, or never; also true for
    // the same callback (`source_key`, when not empty) again: a retry after a failed answer must
    // be answered, not taken for a second question.
    bool first_in(std::string_view key, std::string_view source_key, time_point now);

    std::size_t size() const { return newer_.size() + older_.size(); }

private:
    struct Passed {
        time_point at;
        std::uint64_t source = 0;  // fingerprint of the callback's source key; 0: none
    };
    using Generation = absl::flat_hash_map<std::uint64_t, Passed>;

    void rotate_if_due(time_point now);

    const std::chrono::seconds interval_;
    const std::size_t max_per_generation_;
    Generation newer_;
    Generation older_;
    time_point newer_since_{};
};

}  // namespace groupdesk::handlers::details
