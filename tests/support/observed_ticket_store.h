// ObservedTicketStore: a MemoryTicketStore seen through a window — the last list query, every
// change applied — with switches that make changes fail, for tests of what sits above a store.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "tests/support/memory_ticket_store.h"

namespace groupdesk::test {

class ObservedTicketStore final : public tickets::TicketStore {
public:
    // Every call from now on fails with `code`, reads and changes alike (nullopt: works again).
    void fail_with(std::optional<ErrorCode> code) {
        std::lock_guard lock(mutex_);
        fail_ = code;
    }
    // The next `count` updates fail Aborted, as if a concurrent change had won each time.
    void lose_updates(int count) {
        std::lock_guard lock(mutex_);
        updates_to_lose_ = count;
    }
    std::optional<tickets::TicketQuery> last_query() {
        std::lock_guard lock(mutex_);
        return last_query_;
    }
    // The changes that reached the store (failed ones included), in order.
    std::vector<tickets::TicketChange> applied() {
        std::lock_guard lock(mutex_);
        return applied_;
    }
    MemoryTicketStore& inner() { return inner_; }

    Result<std::int64_t> reserve_number() override {
        if (auto e = failure()) return *e;
        return inner_.reserve_number();
    }
    Result<std::optional<tickets::Ticket>> find(std::int64_t number) override {
        if (auto e = failure()) return *e;
        return inner_.find(number);
    }
    Result<std::vector<tickets::TicketEvent>> events(std::int64_t number) override {
        if (auto e = failure()) return *e;
        return inner_.events(number);
    }
    Result<tickets::TicketPage> list(const tickets::TicketQuery& query) override {
        {
            std::lock_guard lock(mutex_);
            last_query_ = query;
        }
        if (auto e = failure()) return *e;
        return inner_.list(query);
    }
    Result<std::optional<tickets::CommandRecord>> find_command(
        std::string_view source_key) override {
        if (auto e = failure()) return *e;
        return inner_.find_command(source_key);
    }
    void apply(tickets::TicketChange change, tickets::ApplyDone done) override {
        std::optional<ErrorCode> failure;
        {
            std::lock_guard lock(mutex_);
            applied_.push_back(change);
            failure = fail_;
            if (!failure && change.kind == tickets::TicketChange::Kind::Update &&
                updates_to_lose_ > 0) {
                --updates_to_lose_;
                failure = ErrorCode::Aborted;
            }
        }
        if (failure) {
            done(make_error(*failure, "injected by the test"));
            return;
        }
        inner_.apply(std::move(change), std::move(done));
    }

private:
    std::optional<Error> failure() {
        std::lock_guard lock(mutex_);
        if (!fail_) return std::nullopt;
        return make_error(*fail_, "injected by the test");
    }

    MemoryTicketStore inner_;
    std::mutex mutex_;
    std::optional<ErrorCode> fail_;
    int updates_to_lose_ = 0;
    std::optional<tickets::TicketQuery> last_query_;
    std::vector<tickets::TicketChange> applied_;
};

}  // namespace groupdesk::test
