// MemoryDedupStore: an in-memory DedupStore for tests, with a switch that makes storage fail.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "handlers/dedup_store.h"

namespace groupdesk::test {

// Thread-safe; `done` runs synchronously, on the caller's thread, once the record is stored.
// Times are kept to the second, like the SQLite backend.
class MemoryDedupStore final : public handlers::DedupStore {
public:
    Result<std::optional<std::string>> find(std::string_view key) override {
        std::lock_guard lock(mutex_);
        if (unavailable_) return failure();
        auto it = records_.find(std::string(key));
        if (it == records_.end()) return std::optional<std::string>{};
        return std::optional<std::string>{it->second.answer};
    }

    void record(std::string key, std::string answer, time_point at,
                handlers::DurableDone done) override {
        Status status;
        {
            std::lock_guard lock(mutex_);
            if (unavailable_) {
                status = failure();
            } else {
                records_.try_emplace(std::move(key), Entry{std::move(answer), seconds(at)});
                ++records_made_;
            }
        }
        done(std::move(status));
    }

    Result<std::size_t> expire_before(time_point cutoff, std::size_t limit) override {
        std::lock_guard lock(mutex_);
        if (unavailable_) return failure();
        std::size_t removed = 0;
        for (auto it = records_.begin(); it != records_.end() && removed < limit;) {
            if (it->second.at < seconds(cutoff)) {
                it = records_.erase(it);
                ++removed;
            } else {
                ++it;
            }
        }
        return removed;
    }

    // While set, every call fails with Unavailable, as a broken disk would.
    void set_unavailable(bool unavailable) {
        std::lock_guard lock(mutex_);
        unavailable_ = unavailable;
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return records_.size();
    }

    // How many record() calls succeeded (including those that kept an earlier answer).
    std::size_t records_made() const {
        std::lock_guard lock(mutex_);
        return records_made_;
    }

private:
    struct Entry {
        std::string answer;
        std::chrono::sys_seconds at;
    };

    static std::chrono::sys_seconds seconds(time_point t) {
        return std::chrono::floor<std::chrono::seconds>(t);
    }
    static Error failure() {
        return make_error(ErrorCode::Unavailable, "memory dedup store set unavailable");
    }

    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> records_;
    std::size_t records_made_ = 0;
    bool unavailable_ = false;
};

}  // namespace groupdesk::test
