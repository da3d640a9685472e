// MemoryTicketStore: an in-memory TicketStore for tests, held to the same contract as SQLite's.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/support/memory_outbox_store.h"
#include "tickets/ticket_store.h"

namespace groupdesk::test {

// Thread-safe; apply() runs `done` synchronously, on the caller's thread. Times are kept to the
// second, like the SQLite backend. A change's notifications go to outbox(), under the same lock
// as the rest of the change, so nobody sees the one without the other.
class MemoryTicketStore final : public tickets::TicketStore {
public:
    MemoryTicketStore() : outbox_(std::make_shared<MemoryOutboxStore>()) {}
    // Shares `outbox` with whoever else holds it (a test's delivery side, say).
    explicit MemoryTicketStore(std::shared_ptr<MemoryOutboxStore> outbox)
        : outbox_(std::move(outbox)) {}

    MemoryOutboxStore& outbox() noexcept { return *outbox_; }
    const std::shared_ptr<MemoryOutboxStore>& shared_outbox() const noexcept { return outbox_; }

    Result<std::int64_t> reserve_number() override {
        std::lock_guard lock(mutex_);
        return ++last_number_;
    }

    Result<std::optional<tickets::Ticket>> find(std::int64_t number) override {
        std::lock_guard lock(mutex_);
        auto it = tickets_.find(number);
        if (it == tickets_.end()) return std::optional<tickets::Ticket>{};
        return std::optional<tickets::Ticket>{it->second};
    }

    Result<std::vector<tickets::TicketEvent>> events(std::int64_t number) override {
        std::lock_guard lock(mutex_);
        std::vector<tickets::TicketEvent> out;
        for (const auto& e : events_) {
            if (e.ticket == number) out.push_back(e);
        }
        return out;
    }

    Result<tickets::TicketPage> list(const tickets::TicketQuery& q) override {
        std::lock_guard lock(mutex_);
        const std::size_t limit = std::clamp<std::size_t>(q.limit, 1, tickets::kMaxPageSize);
        tickets::TicketPage page;
        std::size_t total = 0;
        for (auto it = tickets_.rbegin(); it != tickets_.rend(); ++it) {
            const tickets::Ticket& t = it->second;
            if (!matches(q, t)) continue;
            ++total;
            if (q.after && t.number >= *q.after) continue;
            if (page.tickets.size() < limit) {
                page.tickets.push_back(t);
            } else if (!page.next_after) {
                page.next_after = page.tickets.back().number;
            }
        }
        if (q.with_total) page.total = total;
        return page;
    }

    Result<std::optional<tickets::CommandRecord>> find_command(
        std::string_view source_key) override {
        std::lock_guard lock(mutex_);
        auto it = commands_.find(std::string(source_key));
        if (it == commands_.end()) return std::optional<tickets::CommandRecord>{};
        return std::optional<tickets::CommandRecord>{it->second};
    }

    void apply(tickets::TicketChange change, tickets::ApplyDone done) override {
        Status status;
        {
            std::lock_guard lock(mutex_);
            status = apply_locked(std::move(change));
        }
        done(std::move(status));
    }

private:
    static tickets::time_point seconds(tickets::time_point t) {
        return std::chrono::floor<std::chrono::seconds>(t);
    }
    static std::string ascii_lower(std::string_view text) {
        std::string out(text);
        for (char& c : out) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        return out;
    }
    static bool contains(std::string_view haystack, const std::string& lowered_needle) {
        return ascii_lower(haystack).find(lowered_needle) != std::string::npos;
    }

    bool matches(const tickets::TicketQuery& q, const tickets::Ticket& t) const {
        if (!q.statuses.empty() &&
            std::find(q.statuses.begin(), q.statuses.end(), t.status) == q.statuses.end()) {
            return false;
        }
        if (!q.channel.empty() && t.channel != q.channel) return false;
        if (!q.group.empty() && t.group != q.group) return false;
        if (!q.assignee.empty() && t.assignee != q.assignee) return false;
        if (!q.reporter.empty() && t.reporter != q.reporter) return false;
        if (!q.involving.empty() && t.reporter != q.involving && t.assignee != q.involving) {
            return false;
        }
        if (q.text.empty()) return true;
        const std::string needle = ascii_lower(q.text);
        if (contains(t.title, needle) || contains(t.description, needle)) return true;
        return std::any_of(events_.begin(), events_.end(), [&](const tickets::TicketEvent& e) {
            return e.ticket == t.number && e.action == tickets::EventAction::Comment &&
                   contains(e.note, needle);
        });
    }

    Status apply_locked(tickets::TicketChange change) {
        tickets::Ticket t = std::move(change.ticket);
        if (change.events.empty()) {
            return make_error(ErrorCode::InvalidArgument, "a change without events");
        }
        if (change.command && commands_.contains(change.command->source_key)) return Status{};
        auto it = tickets_.find(t.number);
        if (change.kind == tickets::TicketChange::Kind::Create) {
            if (it != tickets_.end()) return make_error(ErrorCode::InvalidArgument, "exists");
        } else {
            if (it == tickets_.end()) return make_error(ErrorCode::NotFound, "no such ticket");
            if (it->second.revision != change.expected_revision) {
                return make_error(ErrorCode::Aborted, "stale revision");
            }
        }
        t.created_at = seconds(t.created_at);
        t.updated_at = seconds(t.updated_at);
        for (auto* time : {&t.first_response_at, &t.resolved_at, &t.closed_at}) {
            if (*time) *time = seconds(**time);
        }
        last_number_ = std::max(last_number_, t.number);
        for (auto& e : change.events) {
            e.id = ++last_event_id_;
            e.ticket = t.number;
            e.at = seconds(e.at);
            events_.push_back(std::move(e));
        }
        if (change.command) {
            std::string key = change.command->source_key;
            commands_.emplace(std::move(key), std::move(*change.command));
        }
        if (!change.notifications.empty()) {
            outbox_->add(t.number, std::move(change.notifications), t.updated_at);
        }
        tickets_[t.number] = std::move(t);
        return Status{};
    }

    mutable std::mutex mutex_;
    std::map<std::int64_t, tickets::Ticket> tickets_;
    std::vector<tickets::TicketEvent> events_;
    std::map<std::string, tickets::CommandRecord, std::less<>> commands_;
    std::int64_t last_number_ = 0;
    std::int64_t last_event_id_ = 0;
    std::shared_ptr<MemoryOutboxStore> outbox_;
};

}  // namespace groupdesk::test
