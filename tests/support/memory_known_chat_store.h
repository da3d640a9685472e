// MemoryKnownChatStore: an in-memory KnownChatStore for tests, held to the same contract as
// SQLite's, with a switch that makes storage fail.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tickets/known_chat_store.h"

namespace groupdesk::test {

// Thread-safe; remember() runs `done` synchronously, on the caller's thread. Times are kept to
// the second, like the SQLite backend. The first record of a chat stays.
class MemoryKnownChatStore final : public tickets::KnownChatStore {
public:
    void remember(std::string channel, std::string chat, tickets::GroupKind kind,
                  tickets::time_point at, Done done) override {
        Status status;
        {
            std::lock_guard lock(mutex_);
            if (unavailable_) {
                status = failure();
            } else {
                chats_.try_emplace({std::move(channel), std::move(chat)},
                                   Entry{kind, std::chrono::floor<std::chrono::seconds>(at)});
            }
        }
        done(std::move(status));
    }

    Result<std::optional<tickets::GroupKind>> find(std::string_view channel,
                                                   std::string_view chat) override {
        std::lock_guard lock(mutex_);
        if (unavailable_) return failure();
        auto it = chats_.find(Key{std::string(channel), std::string(chat)});
        if (it == chats_.end()) return std::optional<tickets::GroupKind>{};
        return std::optional<tickets::GroupKind>{it->second.kind};
    }

    // While set, every call fails with Unavailable, as a broken disk would.
    void set_unavailable(bool unavailable) {
        std::lock_guard lock(mutex_);
        unavailable_ = unavailable;
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return chats_.size();
    }

    // When the chat first wrote, to the second; nullopt for a chat never remembered.
    std::optional<tickets::time_point> first_seen(std::string_view channel,
                                                  std::string_view chat) const {
        std::lock_guard lock(mutex_);
        auto it = chats_.find(Key{std::string(channel), std::string(chat)});
        if (it == chats_.end()) return std::nullopt;
        return it->second.first_seen_at;
    }

private:
    using Key = std::pair<std::string, std::string>;  // channel, chat
    struct Entry {
        tickets::GroupKind kind;
        tickets::time_point first_seen_at;
    };

    static Error failure() {
        return make_error(ErrorCode::Unavailable, "memory known-chat store set unavailable");
    }

    mutable std::mutex mutex_;
    std::map<Key, Entry> chats_;
    bool unavailable_ = false;
};

}  // namespace groupdesk::test
