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

    Kind kind() const { return kind_; }
    // The reply; only meaningful when kind() == Kind::Reply.
    const wecom::Reply& reply() const { return reply_; }
    const std::string& reason() const { return reason_; }

private:
    Outcome(Kind kind, wecom::Reply reply, std::string reason)
        : kind_(kind), reply_(std::move(reply)), reason_(std::move(reason)) {}

    Kind kind_;
    wecom::Reply reply_;
    std::string reason_;
};

// Reports whether a write reached durable storage.
using DurableDone = std::function<void(Status)>;
// A write the platform must not be answered before; it calls `done` exactly once, on any thread.
using DurableWrite = std::function<void(DurableDone done)>;

// One per callback, built by the callback endpoint. Dependencies of a handler come through its
// constructor, never through here.
struct Context {
    const config::Channel& channel;
    std::chrono::system_clock::time_point now;  // read once from the Clock
    std::string_view request_id;
    // Filled by handlers' on_complete(); the endpoint starts every write once the chain has
    // ended and answers the platform when all are durable (503 if one failed, so it retries).
    std::vector<DurableWrite> before_answer;
};

class Handler {
public:
    virtual ~Handler() = default;
    // Shows up in the request's log line.
    virtual std::string_view name() const = 0;
    [[nodiscard]] virtual Outcome handle(const wecom::InboundMessage& msg, Context& ctx) = 0;
    // Called after the chain ended, in order, on every handler that returned Pass, with the
    // final outcome (Pass when nobody replied). The handler that ended the chain is not called.
    virtual void on_complete(const wecom::InboundMessage& /*msg*/, const Outcome& /*final*/,
                             Context& /*ctx*/) {}
};

}  // namespace groupdesk::handlers
