// MemoryResponseUrlStore: an in-memory ResponseUrlStore for tests, held to the same contract as
// SQLite's.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tickets/response_url_store.h"

namespace groupdesk::test {

// Thread-safe; record() runs `done` synchronously, on the caller's thread. Times are kept to the
// second, like the SQLite backend. The latest received URL wins, and the same URL recorded again
// keeps its used mark (see SqliteResponseUrlStore).
class MemoryResponseUrlStore final : public tickets::ResponseUrlStore {
public:
    void record(std::string channel, std::string conversation, std::string url,
                tickets::time_point at, Done done) override {
        {
            std::lock_guard lock(mutex_);
            const tickets::time_point received = seconds(at);
            auto [it, inserted] = urls_.try_emplace({std::move(channel), std::move(conversation)},
                                                    Entry{url, received, false});
            Entry& e = it->second;
            if (!inserted && received >= e.received_at) {
                if (e.url != url) e.used = false;
                e.url = std::move(url);
                e.received_at = received;
            }
        }
        done(Status{});
    }

    Result<std::optional<std::string>> take(std::string_view channel, std::string_view conversation,
                                            tickets::time_point not_before) override {
        std::lock_guard lock(mutex_);
        auto it = urls_.find(Key{std::string(channel), std::string(conversation)});
        if (it == urls_.end() || it->second.used || it->second.received_at < seconds(not_before)) {
            return std::optional<std::string>{};
        }
        it->second.used = true;
        return std::optional<std::string>{it->second.url};
    }

    Result<std::size_t> expire_before(tickets::time_point cutoff, std::size_t limit) override {
        std::lock_guard lock(mutex_);
        const tickets::time_point c = seconds(cutoff);
        std::size_t removed = 0;
        for (auto it = urls_.begin(); it != urls_.end() && removed < limit;) {
            if (it->second.received_at < c) {
                it = urls_.erase(it);
                ++removed;
            } else {
                ++it;
            }
        }
        return removed;
    }

private:
    using Key = std::pair<std::string, std::string>;  // channel, conversation
    struct Entry {
        std::string url;
        tickets::time_point received_at;
        bool used = false;
    };

    static tickets::time_point seconds(tickets::time_point t) {
        return std::chrono::floor<std::chrono::seconds>(t);
    }

    std::mutex mutex_;
    std::map<Key, Entry> urls_;
};

}  // namespace groupdesk::test
