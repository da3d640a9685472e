// MemoryConversationStore: an in-memory ConversationStore for tests, held to the same contract as
// SQLite's. Its notifications go into the MemoryOutboxStore it is given, as SQLite's go into the
// outbox table of the same database.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "tests/support/memory_outbox_store.h"
#include "tickets/conversation_store.h"
#include "tickets/ticket_store.h"

namespace groupdesk::test {

// Thread-safe; update() runs `done` synchronously, on the caller's thread, after the lock is
// released. Times are kept to the second, like the SQLite backend. An edit that throws fails its
// update with Internal and nothing of it is kept.
class MemoryConversationStore final : public tickets::ConversationStore {
public:
    // `outbox` must outlive the store.
    explicit MemoryConversationStore(MemoryOutboxStore& outbox) : outbox_(outbox) {}

    void update(std::vector<tickets::ConversationUpdate> updates,
                std::vector<tickets::Notification> notifications, tickets::time_point at,
                std::function<void(Status)> done) override {
        Status status;
        {
            std::lock_guard lock(mutex_);
            // Edits go to a copy first, so a failing one leaves the records as they were.
            std::map<Key, tickets::TrackedConversation> staged = rows_;
            try {
                for (auto& u : updates) {
                    const Key key{u.key.channel, u.key.user};
                    std::optional<tickets::TrackedConversation> row;
                    if (auto it = staged.find(key); it != staged.end()) row = it->second;
                    if (!u.edit(row)) continue;
                    if (row) {
                        row->key = u.key;  // stored under the update's key, like SQLite
                        staged.insert_or_assign(key, to_seconds(std::move(*row)));
                    } else {
                        staged.erase(key);
                    }
                }
                rows_ = std::move(staged);
                outbox_.add_rows(std::move(notifications), at);
            } catch (const std::exception& e) {
                status =
                    make_error(ErrorCode::Internal, std::string("conversation edit: ") + e.what());
            }
        }
        done(std::move(status));
    }

    Result<std::optional<tickets::TrackedConversation>> find(
        const tickets::ConversationKey& key) override {
        std::lock_guard lock(mutex_);
        auto it = rows_.find(Key{key.channel, key.user});
        if (it == rows_.end()) return std::optional<tickets::TrackedConversation>{};
        return std::optional<tickets::TrackedConversation>{it->second};
    }

    Result<std::vector<tickets::TrackedConversation>> due(tickets::time_point now,
                                                          std::size_t limit) override {
        std::lock_guard lock(mutex_);
        std::vector<tickets::TrackedConversation> out;
        for (const auto& [key, row] : rows_) {
            if (row.next_alert_at && *row.next_alert_at <= now) out.push_back(row);
        }
        // Earliest first, then by key, as SQLite's index orders them.
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            return std::tie(*a.next_alert_at, a.key.channel, a.key.user) <
                   std::tie(*b.next_alert_at, b.key.channel, b.key.user);
        });
        if (out.size() > limit) out.resize(limit);
        return out;
    }

    Result<std::optional<tickets::time_point>> next_due() override {
        std::lock_guard lock(mutex_);
        std::optional<tickets::time_point> earliest;
        for (const auto& [key, row] : rows_) {
            if (row.next_alert_at && (!earliest || *row.next_alert_at < *earliest)) {
                earliest = row.next_alert_at;
            }
        }
        return earliest;
    }

    Result<std::vector<tickets::TrackedConversation>> list(
        const tickets::ConversationQuery& q) override {
        std::lock_guard lock(mutex_);
        const std::size_t limit = std::clamp<std::size_t>(q.limit, 1, tickets::kMaxPageSize);
        std::vector<tickets::TrackedConversation> out;
        for (const auto& [key, row] : rows_) {
            if (!q.channel.empty() && row.key.channel != q.channel) continue;
            if (q.open_at && !row.open_at(*q.open_at)) continue;
            if (q.after && !(order_of(*q.after) < order_of(row))) continue;
            out.push_back(row);
        }
        std::sort(out.begin(), out.end(),
                  [](const auto& a, const auto& b) { return order_of(a) < order_of(b); });
        if (out.size() > limit) out.resize(limit);
        return out;
    }

    Result<std::size_t> count() override {
        std::lock_guard lock(mutex_);
        return rows_.size();
    }

private:
    using Key = std::pair<std::string, std::string>;  // channel, user

    static tickets::time_point floor(tickets::time_point t) {
        return std::chrono::floor<std::chrono::seconds>(t);
    }
    static std::optional<tickets::time_point> floor(std::optional<tickets::time_point> t) {
        if (t) t = floor(*t);
        return t;
    }

    static tickets::TrackedConversation to_seconds(tickets::TrackedConversation row) {
        row.window_opened_at = floor(row.window_opened_at);
        row.last_action_at = floor(row.last_action_at);
        row.deadline = floor(row.deadline);
        row.last_message_at = floor(row.last_message_at);
        row.last_answer_at = floor(row.last_answer_at);
        row.next_alert_at = floor(row.next_alert_at);
        return row;
    }

    // list()'s order: the window closing first comes first.
    using Order = std::tuple<const tickets::time_point&, const std::string&, const std::string&>;
    static Order order_of(const tickets::TrackedConversation& row) {
        return std::tie(row.deadline, row.key.channel, row.key.user);
    }

    MemoryOutboxStore& outbox_;
    mutable std::mutex mutex_;
    std::map<Key, tickets::TrackedConversation> rows_;
};

}  // namespace groupdesk::test
