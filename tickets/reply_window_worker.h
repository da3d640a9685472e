// ReplyWindowWorker: one thread that sleeps until the earliest stored alert time (or a poke, or a
// test clock's jump), then lets the service send what is due — no timer per conversation and no
// scan of every conversation.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "common/clock.h"
#include "tickets/conversation_store.h"
#include "tickets/reply_window_service.h"

namespace groupdesk::tickets {

class ReplyWindowWorker {
public:
    // Everything passed in outlives the worker. `on_rows` is told when outbox rows were added
    // (the outbox worker looks at once). Starts the thread: alerts that fell due while the
    // server was down go out at once, each conversation's most urgent one only.
    ReplyWindowWorker(ReplyWindowService& service, ConversationStore& store, const Clock& clock,
                      std::function<void()> on_rows);
    ~ReplyWindowWorker();
    ReplyWindowWorker(const ReplyWindowWorker&) = delete;
    ReplyWindowWorker& operator=(const ReplyWindowWorker&) = delete;

    // A conversation's next alert time was just stored as `at`: look then if that is earlier
    // than the worker's plan. Cheap; called from the callback path.
    void scheduled(time_point at);
    // Look now.
    void poke();

    // Passes that looked at the store, for tests.
    std::uint64_t passes() const;

private:
    void loop();

    ReplyWindowService& service_;
    ConversationStore& store_;
    const Clock& clock_;
    const std::function<void()> on_rows_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool poked_ = false;
    bool stopping_ = false;
    std::optional<time_point> planned_;  // when the thread means to look next; nullopt: idle
    std::uint64_t passes_ = 0;
    Clock::WatchId watch_ = 0;
    std::thread thread_;  // last: starts once everything above exists
};

}  // namespace groupdesk::tickets
