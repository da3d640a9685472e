// MemoryOutboxStore: an in-memory OutboxStore for tests, held to the same contract as SQLite's.
// Rows arrive with a ticket's change (MemoryTicketStore calls add() in its own apply()) or a
// conversation's (MemoryConversationStore calls add_rows()).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tickets/outbox_store.h"
#include "tickets/ticket_store.h"

namespace groupdesk::test {

// Thread-safe. Times are kept to the second, like the SQLite backend.
class MemoryOutboxStore final : public tickets::OutboxStore {
public:
    // Stores a change's notifications as new Pending rows of ticket `ticket`, created and due at
    // `at`. What the caller set for state, attempts or the last error does not matter: a row
    // nobody tried yet has none of them.
    void add(std::int64_t ticket, std::vector<tickets::Notification> rows, tickets::time_point at) {
        for (auto& n : rows) n.ticket = ticket;
        add_rows(std::move(rows), at);
    }

    // The same, keeping each row's own ticket (0: none) and kind; returns the new ids. What
    // MemoryConversationStore::update() stores its notifications with.
    std::vector<std::int64_t> add_rows(std::vector<tickets::Notification> rows,
                                       tickets::time_point at) {
        std::lock_guard lock(mutex_);
        return add_locked(std::move(rows), at);
    }

    Result<std::vector<tickets::Notification>> due(tickets::time_point now,
                                                   std::size_t limit) override {
        std::lock_guard lock(mutex_);
        std::vector<tickets::Notification> out;
        for (const auto* head : heads_locked()) {  // id order: oldest first
            if (out.size() >= limit) break;
            if (head->next_attempt_at <= now) out.push_back(*head);
        }
        return out;
    }

    // Only a key's head can go out, so a follower due earlier than its head does not count:
    // a worker sleeping until next_due() would otherwise wake to nothing, again and again.
    Result<std::optional<tickets::time_point>> next_due() override {
        std::lock_guard lock(mutex_);
        std::optional<tickets::time_point> earliest;
        for (const auto* head : heads_locked()) {
            if (!earliest || head->next_attempt_at < *earliest) earliest = head->next_attempt_at;
        }
        return earliest;
    }

    Result<Backlog> backlog() override {
        std::lock_guard lock(mutex_);
        Backlog b;
        for (const auto& [id, n] : rows_) {
            if (n.state != tickets::DeliveryState::Pending) continue;
            ++b.pending;
            if (!b.oldest_created_at || n.created_at < *b.oldest_created_at) {
                b.oldest_created_at = n.created_at;
            }
        }
        return b;
    }

    Status mark_sent(std::int64_t id, tickets::time_point at, int attempts) override {
        std::lock_guard lock(mutex_);
        auto* n = row_locked(id);
        if (n == nullptr) return make_error(ErrorCode::NotFound, "no such notification");
        n->state = tickets::DeliveryState::Sent;
        n->sent_at = seconds(at);
        n->attempts = attempts;
        return Status{};
    }

    Status reschedule(std::int64_t id, tickets::time_point at, int attempts, int errcode,
                      std::string error) override {
        std::lock_guard lock(mutex_);
        auto* n = row_locked(id);
        if (n == nullptr) return make_error(ErrorCode::NotFound, "no such notification");
        n->next_attempt_at = seconds(at);
        n->attempts = attempts;
        // A wait for the rate limit is no failure: the last real one stays on record.
        if (errcode != 0 || !error.empty()) {
            n->last_errcode = errcode;
            n->last_error = std::move(error);
        }
        return Status{};
    }

    Status finish(std::int64_t id, tickets::DeliveryState state, int attempts, int errcode,
                  std::string error) override {
        if (!ends_unsent(state)) return finish_state_error();
        std::lock_guard lock(mutex_);
        return finish_locked(id, state, attempts, errcode, std::move(error));
    }

    Status finish_with(std::int64_t id, tickets::DeliveryState state, int attempts, int errcode,
                       std::string error, std::vector<tickets::Notification> follow_ups,
                       tickets::time_point at) override {
        if (!ends_unsent(state)) return finish_state_error();
        std::lock_guard lock(mutex_);
        Status finished = finish_locked(id, state, attempts, errcode, std::move(error));
        if (!finished.ok()) return finished;  // no follow-up without its finished row
        add_locked(std::move(follow_ups), at);
        return Status{};
    }

    Status mark_sent_instead(std::int64_t id, tickets::time_point at, int attempts,
                             tickets::Route route, int errcode, std::string why) override {
        std::lock_guard lock(mutex_);
        auto* n = row_locked(id);
        if (n == nullptr) return make_error(ErrorCode::NotFound, "no such notification");
        n->state = tickets::DeliveryState::Sent;
        n->sent_at = seconds(at);
        n->attempts = attempts;
        n->route = route;
        n->last_errcode = errcode;
        n->last_error = std::move(why);
        return Status{};
    }

    Result<std::vector<std::int64_t>> enqueue(std::vector<tickets::Notification> rows,
                                              tickets::time_point at) override {
        return add_rows(std::move(rows), at);
    }

    Status retry(std::int64_t id, tickets::time_point now) override {
        std::lock_guard lock(mutex_);
        auto* n = row_locked(id);
        if (n == nullptr) return make_error(ErrorCode::NotFound, "no such notification");
        if (n->state == tickets::DeliveryState::Pending ||
            n->state == tickets::DeliveryState::Sent) {
            return make_error(ErrorCode::FailedPrecondition, "only a failed row is retried");
        }
        n->state = tickets::DeliveryState::Pending;
        n->next_attempt_at = seconds(now);
        return Status{};
    }

    Result<std::optional<tickets::Notification>> find(std::int64_t id) override {
        std::lock_guard lock(mutex_);
        auto* n = row_locked(id);
        if (n == nullptr) return std::optional<tickets::Notification>{};
        return std::optional<tickets::Notification>{*n};
    }

    Result<std::vector<tickets::Notification>> list(const tickets::NotificationQuery& q) override {
        std::lock_guard lock(mutex_);
        const std::size_t limit = std::clamp<std::size_t>(q.limit, 1, tickets::kMaxPageSize);
        std::vector<tickets::Notification> out;
        for (auto it = rows_.rbegin(); it != rows_.rend() && out.size() < limit; ++it) {
            const tickets::Notification& n = it->second;
            if (q.after && n.id >= *q.after) continue;
            if (q.state && n.state != *q.state) continue;
            if (q.ticket && n.ticket != *q.ticket) continue;
            if (q.kind && n.kind != *q.kind) continue;
            if (q.order_key && n.order_key != *q.order_key) continue;
            out.push_back(n);
        }
        return out;
    }

private:
    static tickets::time_point seconds(tickets::time_point t) {
        return std::chrono::floor<std::chrono::seconds>(t);
    }

    static bool ends_unsent(tickets::DeliveryState state) {
        using tickets::DeliveryState;
        return state == DeliveryState::Failed || state == DeliveryState::Undeliverable ||
               state == DeliveryState::WindowClosed || state == DeliveryState::QuotaExhausted;
    }

    static Error finish_state_error() {
        return make_error(ErrorCode::InvalidArgument,
                          "finish takes Failed, Undeliverable, WindowClosed or QuotaExhausted");
    }

    std::vector<std::int64_t> add_locked(std::vector<tickets::Notification> rows,
                                         tickets::time_point at) {
        std::vector<std::int64_t> ids;
        ids.reserve(rows.size());
        for (auto& n : rows) {
            n.id = ++last_id_;
            n.state = tickets::DeliveryState::Pending;
            n.attempts = 0;
            n.created_at = seconds(at);
            n.next_attempt_at = n.created_at;
            n.sent_at.reset();
            n.last_errcode = 0;
            n.last_error.clear();
            ids.push_back(n.id);
            rows_.emplace(n.id, std::move(n));
        }
        return ids;
    }

    Status finish_locked(std::int64_t id, tickets::DeliveryState state, int attempts, int errcode,
                         std::string error) {
        auto* n = row_locked(id);
        if (n == nullptr) return make_error(ErrorCode::NotFound, "no such notification");
        n->state = state;
        n->attempts = attempts;
        n->last_errcode = errcode;
        n->last_error = std::move(error);
        return Status{};
    }

    tickets::Notification* row_locked(std::int64_t id) {
        auto it = rows_.find(id);
        return it == rows_.end() ? nullptr : &it->second;
    }

    // The lowest-id pending row of each order key, in id order.
    std::vector<const tickets::Notification*> heads_locked() const {
        std::vector<const tickets::Notification*> heads;
        std::set<std::string, std::less<>> seen;
        for (const auto& [id, n] : rows_) {
            if (n.state != tickets::DeliveryState::Pending) continue;
            if (seen.insert(n.order_key).second) heads.push_back(&n);
        }
        return heads;
    }

    mutable std::mutex mutex_;
    std::map<std::int64_t, tickets::Notification> rows_;
    std::int64_t last_id_ = 0;
};

}  // namespace groupdesk::test
