// The reply window's tests' shared fixture: the service, its worker and the outbox worker over
// in-memory stores, a scripted platform and a clock the tests move.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/fake_clock.h"
#include "tests/support/memory_conversation_store.h"
#include "tests/support/memory_outbox_store.h"
#include "tests/support/memory_response_url_store.h"
#include "tests/support/memory_ticket_store.h"
#include "tests/tickets/outbox_worker_fixture.h"
#include "tickets/outbox_worker.h"
#include "tickets/reply_window_service.h"
#include "tickets/reply_window_worker.h"

namespace groupdesk::tickets::window_fixture {

using namespace std::chrono_literals;
using outbox_fixture::Call;
using outbox_fixture::ScriptedApi;

inline const time_point t0 = time_point{std::chrono::seconds{1767225600}};
inline const std::string kUser = "oCustomer1";
inline const std::string kAgentsKey = "AGENTS-WEBHOOK-KEY";

// Polls `done` until it holds or a generous bound passes.
inline bool eventually(const std::function<bool()>& done) {
    const auto until = std::chrono::steady_clock::now() + outbox_fixture::kBound;
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(2ms);
    }
    return done();
}

class ReplyWindowTestBase : public ::testing::Test {
protected:
    ReplyWindowTestBase() {
        config::Channel mp;
        mp.name = "mp";
        mp.kind = config::ChannelKind::Mp;
        config::Channel app;
        app.name = "app";
        app.kind = config::ChannelKind::WeCom;
        app.agent_id = 1000002;
        config_.channels = {mp, app};
        config_.reply_window.alerts_to.webhook_key = kAgentsKey;
        config_.outbox.rate_limits = false;
    }
    ~ReplyWindowTestBase() override { stop(); }

    void start() {
        service_ =
            std::make_unique<ReplyWindowService>(conversations_, tickets_, *outbox_, config_);
        OutboxWorkerOptions options;
        options.senders = 2;
        options.window_gate = service_.get();
        options.tickets = &tickets_;
        outbox_worker_ =
            std::make_unique<OutboxWorker>(*outbox_, urls_, api_, config_, clock_, options);
        auto* outbox_worker = outbox_worker_.get();
        worker_ = std::make_unique<ReplyWindowWorker>(*service_, conversations_, clock_,
                                                      [outbox_worker] { outbox_worker->poke(); });
    }
    // As a restart: the threads go, the stores stay.
    void stop() {
        worker_.reset();
        outbox_worker_.reset();
        service_.reset();
    }

    // The user's action at `at` (CreateTime), as the callback path records it.
    void user_did(WindowAction action, time_point at, const std::string& text = "打印机坏了",
                  const std::string& user = kUser) {
        const ConversationKey key{"mp", user};
        const WindowSchedule schedule = schedule_of(config_.reply_window);
        const std::string source = "cb-" + std::to_string(++callbacks_);
        std::optional<time_point> next;
        ASSERT_TRUE(update_and_wait(conversations_,
                                    {{key,
                                      [&](std::optional<TrackedConversation>& row) {
                                          const bool changed = apply_action(row, key, action, at,
                                                                            text, source, schedule);
                                          if (row) next = row->next_alert_at;
                                          return changed;
                                      }}},
                                    {}, clock_.now()));
        if (next && worker_) worker_->scheduled(*next);
    }
    void user_wrote(time_point at, const std::string& text = "打印机坏了") {
        user_did(WindowAction::Message, at, text);
    }

    std::optional<TrackedConversation> conversation(const std::string& user = kUser) {
        auto found = conversations_.find({"mp", user});
        EXPECT_TRUE(found.ok());
        return found.ok() ? *found : std::nullopt;
    }

    // An open ticket of the user's conversation.
    std::int64_t open_ticket(const std::string& assignee = "", const std::string& user = kUser) {
        auto number = tickets_.reserve_number();
        EXPECT_TRUE(number.ok());
        TicketChange change;
        change.ticket.number = *number;
        change.ticket.title = "打印机坏了";
        change.ticket.channel = "mp";
        change.ticket.group_kind = GroupKind::User;
        change.ticket.group = user;
        change.ticket.reporter = user;
        change.ticket.assignee = assignee;
        change.ticket.created_at = clock_.now();
        change.ticket.updated_at = clock_.now();
        change.ticket.revision = 1;
        TicketEvent created;
        created.at = clock_.now();
        created.actor = user;
        change.events.push_back(created);
        std::promise<Status> applied;
        tickets_.apply(change, [&](Status s) { applied.set_value(std::move(s)); });
        EXPECT_TRUE(applied.get_future().get().ok());
        return *number;
    }

    // A customer-service row queued for the user now (a ticket's news, or an agent's message).
    std::int64_t queue_to_user(const std::string& text, std::int64_t ticket = 0,
                               NotificationKind kind = NotificationKind::Message) {
        Notification n;
        n.kind = kind;
        n.ticket = ticket;
        n.route = Route::CustomMessage;
        n.channel = "mp";
        n.target = kUser;
        n.order_key = "mp/" + kUser;
        n.text = text;
        auto ids = outbox_->enqueue({n}, clock_.now());
        EXPECT_TRUE(ids.ok());
        if (outbox_worker_) outbox_worker_->poke();
        return ids.ok() ? ids->front() : 0;
    }

    Notification row(std::int64_t id) {
        auto found = outbox_->find(id);
        EXPECT_TRUE(found.ok() && found->has_value()) << "no row " << id;
        return found.ok() && found->has_value() ? **found : Notification{};
    }
    bool wait_state(std::int64_t id, DeliveryState state) {
        return eventually([&] { return row(id).state == state; });
    }
    // The platform's calls of one kind ("webhook", "custom", "app", "template").
    std::vector<Call> calls(const std::string& kind) {
        std::vector<Call> out;
        for (const auto& c : api_.calls()) {
            if (c.kind == kind) out.push_back(c);
        }
        return out;
    }
    bool wait_calls(const std::string& kind, std::size_t n) {
        return eventually([&] { return calls(kind).size() >= n; });
    }
    // Lets the threads settle at the current time: the worker has looked and the outbox has
    // nothing due left.
    void settle() {
        const auto passes = worker_->passes();
        worker_->poke();
        ASSERT_TRUE(eventually([&] { return worker_->passes() > passes; }));
        ASSERT_TRUE(eventually([&] {
            auto due = outbox_->due(clock_.now(), 16);
            return due.ok() && due->empty();
        }));
        std::this_thread::sleep_for(20ms);  // a send in flight lands
    }

    config::Config config_;
    test::FakeClock clock_{t0};
    std::shared_ptr<test::MemoryOutboxStore> outbox_ = std::make_shared<test::MemoryOutboxStore>();
    test::MemoryTicketStore tickets_{outbox_};
    test::MemoryConversationStore conversations_{*outbox_};
    test::MemoryResponseUrlStore urls_;
    ScriptedApi api_;
    std::unique_ptr<ReplyWindowService> service_;
    std::unique_ptr<OutboxWorker> outbox_worker_;
    std::unique_ptr<ReplyWindowWorker> worker_;
    int callbacks_ = 0;
};

}  // namespace groupdesk::tickets::window_fixture
