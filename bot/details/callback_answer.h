// The answer to one callback, given exactly once: by the pipeline once its writes are durable,
// by a rejection, or by the deadline when the disk keeps it from either. Internal to the callback
// endpoint.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "bot/deadline_timer.h"
#include "bot/http_server.h"
#include "bot/metrics.h"
#include "common/http_types.h"
#include "common/result.h"

namespace groupdesk::bot::details {

using Steady = std::chrono::steady_clock;

// What one request leaves in the log and the metrics, written when its answer goes out.
struct AnswerLog {
    std::string channel;
    std::string_view kind;
    std::string request_id;
    std::string method;
};

// Logs and counts an answer; `detail` names the handler that decided or the reason of a refusal.
void log_answer(Metrics& metrics, const AnswerLog& log, Steady::time_point started,
                CallbackOutcome outcome, const HttpResponse& response, std::string_view detail);

// The 4xx of a request that failed verification or decoding, with a short public reason.
HttpResponse rejection(const Error& error);
CallbackOutcome rejection_outcome(const Error& error);
std::string rejection_detail(const Error& error);

class CallbackAnswer {
public:
    CallbackAnswer(Metrics& metrics, AnswerLog log, Steady::time_point started, Respond respond)
        : metrics_(metrics),
          log_(std::move(log)),
          started_(started),
          respond_(std::move(respond)) {}

    // Answers 503 at `at` unless answered before; the timer must outlive the answer.
    void expire_at(DeadlineTimer& timer, Steady::time_point at,
                   const std::shared_ptr<CallbackAnswer>& self);

    // Sends `response` unless an answer went out already; false then.
    bool give(HttpResponse response, CallbackOutcome outcome, std::string_view detail);
    bool reject(const Error& error);
    bool answered() const { return answered_.load(std::memory_order_acquire); }

    const AnswerLog& log() const { return log_; }

private:
    Metrics& metrics_;
    const AnswerLog log_;
    const Steady::time_point started_;
    Respond respond_;
    std::atomic<bool> answered_{false};
    std::mutex deadline_mutex_;  // the timer may fire before expire_at() has stored the handle
    DeadlineTimer* timer_ = nullptr;
    std::optional<DeadlineTimer::Handle> deadline_;
};

}  // namespace groupdesk::bot::details
