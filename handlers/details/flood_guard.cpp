// Two generations, each at most one interval long: a key is looked up in the newer, then in the
// older; a key that passed within the interval is in one of them.
#include "handlers/details/flood_guard.h"

#include <absl/hash/hash.h>

#include <algorithm>

namespace groupdesk::handlers::details {
namespace {

// A collision of two keys' fingerprints could hold back one answer for one interval, at odds of
// about one in 2^64 per pair; the memory saved is most of an entry.
std::uint64_t fingerprint(std::string_view text) {
    const auto h = static_cast<std::uint64_t>(absl::HashOf(text));
    return h == 0 ? 1 : h;  // 0 means "no source key"
}

}  // namespace

FloodGuard::FloodGuard(std::chrono::seconds interval, std::size_t max_entries)
    : interval_(interval), max_per_generation_(std::max<std::size_t>(1, max_entries / 2)) {}

void FloodGuard::rotate_if_due(time_point now) {
    const bool full = newer_.size() >= max_per_generation_;
    if (!full && now - newer_since_ < interval_) return;
    if (!full && now - newer_since_ >= 2 * interval_) {
        // Nothing in either generation is recent enough to matter.
        newer_.clear();
        older_.clear();
    } else {
        older_.clear();
        older_.swap(newer_);
    }
    newer_since_ = now;
}

bool FloodGuard::first_in(std::string_view key, std::string_view source_key, time_point now) {
    rotate_if_due(now);
    const std::uint64_t id = fingerprint(key);
    const std::uint64_t source = source_key.empty() ? 0 : fingerprint(source_key);
    const Passed* last = nullptr;
    if (auto it = newer_.find(id); it != newer_.end()) {
        last = &it->second;
    } else if (auto old = older_.find(id); old != older_.end()) {
        last = &old->second;
    }
    if (last != nullptr && now - last->at < interval_) {
        return source != 0 && last->source == source;
    }
    newer_.insert_or_assign(id, Passed{now, source});
    return true;
}

}  // namespace groupdesk::handlers::details
