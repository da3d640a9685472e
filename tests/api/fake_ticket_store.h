// A small in-memory TicketStore for the API tests, with failures to inject (a storage error, a
// concurrent change that keeps winning).
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tickets/ticket_store.h"

namespace groupdesk::test {

class FakeTicketStore final : public tickets::TicketStore {
public:
    // Every later call fails with this code (Unavailable: the disk; Aborted: a lost race).
    void fail_with(std::optional<ErrorCode> code) {
        std::lock_guard lock(mutex_);
        fail_ = code;
    }

    Result<std::int64_t> reserve_number() override {
        std::lock_guard lock(mutex_);
        if (fail_) return make_error(*fail_, "injected");
        return ++last_number_;
    }
    Result<std::optional<tickets::Ticket>> find(std::int64_t number) override {
        std::lock_guard lock(mutex_);
        if (fail_ && *fail_ != ErrorCode::Aborted) return make_error(*fail_, "injected");
        const auto it = tickets_.find(number);
        if (it == tickets_.end()) return std::optional<tickets::Ticket>();
        return std::optional(it->second);
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
        if (fail_ && *fail_ != ErrorCode::Aborted) return make_error(*fail_, "injected");
        last_query_ = q;
        tickets::TicketPage page;
        for (auto it = tickets_.rbegin(); it != tickets_.rend(); ++it) {
            const tickets::Ticket& t = it->second;
            if (q.after && t.number >= *q.after) continue;
            if (!q.statuses.empty() &&
                std::find(q.statuses.begin(), q.statuses.end(), t.status) == q.statuses.end())
                continue;
            if ((!q.channel.empty() && t.channel != q.channel) ||
                (!q.group.empty() && t.group != q.group) ||
                (!q.assignee.empty() && t.assignee != q.assignee) ||
                (!q.reporter.empty() && t.reporter != q.reporter) ||
                (!q.text.empty() && t.title.find(q.text) == std::string::npos))
                continue;
            if (page.tickets.size() == q.limit) {
                page.next_after = page.tickets.back().number;
                break;
            }
            page.tickets.push_back(t);
        }
        return page;
    }
    Result<std::optional<tickets::CommandRecord>> find_command(std::string_view) override {
        return std::optional<tickets::CommandRecord>();
    }
    void apply(tickets::TicketChange change, tickets::ApplyDone done) override {
        Status status = apply_now(std::move(change));
        done(status);
    }

    std::optional<tickets::TicketQuery> last_query() {
        std::lock_guard lock(mutex_);
        return last_query_;
    }

private:
    Status apply_now(tickets::TicketChange change) {
        std::lock_guard lock(mutex_);
        if (fail_) return make_error(*fail_, "injected");
        const std::int64_t number = change.ticket.number;
        if (change.kind == tickets::TicketChange::Kind::Update) {
            const auto it = tickets_.find(number);
            if (it == tickets_.end()) return make_error(ErrorCode::NotFound, "no ticket");
            if (it->second.revision != change.expected_revision) {
                return make_error(ErrorCode::Aborted, "revision");
            }
        }
        tickets_[number] = change.ticket;
        for (auto& e : change.events) {
            e.ticket = number;
            e.id = ++last_event_;
            events_.push_back(e);
        }
        return ok_status();
    }

    std::mutex mutex_;
    std::optional<ErrorCode> fail_;
    std::int64_t last_number_ = 0;
    std::int64_t last_event_ = 0;
    std::map<std::int64_t, tickets::Ticket> tickets_;
    std::vector<tickets::TicketEvent> events_;
    std::optional<tickets::TicketQuery> last_query_;
};

}  // namespace groupdesk::test
