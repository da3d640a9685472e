// The handler contract. A decrypted message flows through an ordered list of handlers; each one
// answers with an Outcome that tells the pipeline what happens next.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/result.h"
#include "config/config.h"
#include "handlers/effects.h"
#include "wecom/message.h"

namespace groupdesk::handlers {

class Outcome {
public:
    enum class Kind {
        Pass,        // Let the next handler look at the message; when all pass, nothing is said.
        Reply,       // Answer with reply() and end the chain.
        Stop,        // End the chain without a reply; reason() goes to the log line.
        RetryLater,  // Cannot be handled now: the platform gets a 503 and retries the callback.
    };

    static Outcome pass() { return Outcome{Kind::Pass, {}, {}}; }
    static Outcome reply(wecom::Reply reply) { return Outcome{Kind::Reply, std::move(reply), {}}; }
    static Outcome stop(std::string reason) { return Outcome{Kind::Stop, {}, std::move(reason)}; }
    static Outcome retry_later(std::string reason) {
        return Outcome{Kind::RetryLater, {}, std::move(reason)};
    }
    // The answer recorded for an earlier delivery of the same callback, given again: nothing ran.
    static Outcome replay(Outcome recorded) {
        recorded.replayed_ = true;
        return recorded;
    }

    Kind kind() const { return kind_; }
    // The reply; only meaningful when kind() == Kind::Reply.
    const wecom::Reply& reply() const { return reply_; }
    const std::string& reason() const { return reason_; }
    // True for an answer taken from the dedup record of an earlier delivery.
    bool replayed() const { return replayed_; }

private:
    Outcome(Kind kind, wecom::Reply reply, std::string reason)
        : kind_(kind), reply_(std::move(reply)), reason_(std::move(reason)) {}

    Kind kind_;
    wecom::Reply reply_;
    std::string reason_;
    bool replayed_ = false;
};

// One per callback, built by the callback endpoint. Dependencies of a handler come through its
// constructor, never through here.
struct Context {
    const config::Channel& channel;
    std::chrono::system_clock::time_point now;  // read once from the Clock
    std::string_view request_id;
    // The effects to make durable before the answer (effects.h). A handler adds its own: in
    // handle() when it ends the chain (a command that creates a ticket and replies), in
    // on_complete() when it passed (dedup records the final answer). The endpoint starts them all
    // once the chain has ended and answers when all are durable (503 if one failed).
    std::vector<DurableWrite> before_answer;
    // The callback's dedup key (dedup.h), set by the pipeline before the first handler runs.
    //
    // The rule for every effect: it is idempotent on this key. A platform retry may arrive after
    // a crash that made the effect durable but not the dedup record (they are separate writes),
    // and it must find the effect instead of making it twice — e.g. a UNIQUE source_key column on
    // the effect's row, with the retry reading back the row it finds.
    std::string source_key{};
    // Set by a handler whose reply only acknowledges (the default reply, the follow welcome):
    // the user still waits for an answer (tickets/reply_window.h).
    bool reply_only_acknowledges = false;
};

// Where a handler runs, and what it may wait on: handle() and on_complete() run on the callback
// workers (bot/work_queue.h), never on an HTTP I/O thread, so a store lookup may read the disk.
// No handler waits on the network: platform API calls are made only by the outbox worker's own
// threads. A handler's writes are effects (ctx.before_answer), not commits of its own, so that the
// answer waits for them without holding a worker.
class Handler {
public:
    virtual ~Handler() = default;
    // Shows up in the request's log line.
    virtual std::string_view name() const = 0;
    [[nodiscard]] virtual Outcome handle(const wecom::InboundMessage& msg, Context& ctx) = 0;
    // Called after the chain ended, in order, on every handler that returned Pass, with the
    // final outcome (Pass when nobody replied). The handler that ended the chain is not called:
    // it adds its effects to ctx.before_answer in handle().
    virtual void on_complete(const wecom::InboundMessage& /*msg*/, const Outcome& /*final*/,
                             Context& /*ctx*/) {}
};

}  // namespace groupdesk::handlers
