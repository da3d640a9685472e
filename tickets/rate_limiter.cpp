// RateLimiter: a log of recent send times per key.
#include "tickets/rate_limiter.h"

#include <algorithm>
#include <iterator>

namespace groupdesk::tickets {

std::optional<time_point> RateLimiter::try_acquire(const std::string& key,
                                                   std::span<const Limit> limits, time_point now) {
    std::chrono::seconds longest{0};
    for (const auto& limit : limits) longest = std::max(longest, limit.window);
    std::lock_guard lock(mutex_);
    // Keys that went quiet are forgotten now and then, so that one per conversation ever sent to
    // does not pile up.
    if (++calls_ % kForgetEvery == 0) {
        for (auto it = sent_.begin(); it != sent_.end();) {
            const bool quiet = it->second.empty() || it->second.back() <= now - longest;
            it = quiet ? sent_.erase(it) : std::next(it);
        }
    }
    auto& times = sent_[key];
    while (!times.empty() && times.front() <= now - longest) times.pop_front();
    std::optional<time_point> free_at;
    for (const auto& limit : limits) {
        if (limit.max == 0) continue;
        // Sends inside this window are the newest ones: count from the back.
        const auto inside = static_cast<std::size_t>(
            times.end() - std::upper_bound(times.begin(), times.end(), now - limit.window));
        if (inside >= limit.max) {
            // The slot frees when the oldest send that keeps the window full leaves it.
            const time_point frees = times[times.size() - limit.max] + limit.window;
            free_at = free_at ? std::max(*free_at, frees) : frees;
        }
    }
    if (free_at) return free_at;
    times.push_back(now);
    return std::nullopt;
}

}  // namespace groupdesk::tickets
