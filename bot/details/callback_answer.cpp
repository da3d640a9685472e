// CallbackAnswer: one answer per callback, its log line and its metrics.
#include "bot/details/callback_answer.h"

#include <spdlog/spdlog.h>

#include "common/http_status.h"

namespace groupdesk::bot::details {

void log_answer(Metrics& metrics, const AnswerLog& log, Steady::time_point started,
                CallbackOutcome outcome, const HttpResponse& response, std::string_view detail) {
    const double seconds = std::chrono::duration<double>(Steady::now() - started).count();
    metrics.record_callback(log.channel, outcome, seconds);
    if (outcome == CallbackOutcome::Duplicate) metrics.record_dedup_hit(log.channel);
    auto level = response.status >= 500 ? spdlog::level::warn : spdlog::level::info;
    spdlog::log(level,
                "callback id={} channel={} kind={} method={} status={} outcome={} by={} "
                "latency_ms={:.3f}",
                log.request_id, log.channel, log.kind, log.method, response.status,
                to_string(outcome), detail.empty() ? "-" : detail, seconds * 1e3);
}

HttpResponse rejection(const Error& error) {
    // The message stays in the log line (rejection_detail): it may name files or quote a library.
    std::string body(public_reason(error));
    return HttpResponse::text(http_status_for(error.code), body + "\n");
}

CallbackOutcome rejection_outcome(const Error& error) {
    return error.code == ErrorCode::Unauthenticated ? CallbackOutcome::BadSignature
           : error.code == ErrorCode::Unavailable   ? CallbackOutcome::RetryLater
                                                    : CallbackOutcome::BadRequest;
}

std::string rejection_detail(const Error& error) {
    return error.message + (error.detail != 0 ? " (" + std::to_string(error.detail) + ")" : "");
}

void CallbackAnswer::expire_at(DeadlineTimer& timer, Steady::time_point at,
                               const std::shared_ptr<CallbackAnswer>& self) {
    std::lock_guard lock(deadline_mutex_);
    timer_ = &timer;
    std::weak_ptr<CallbackAnswer> weak = self;
    deadline_ = timer.schedule(at, [weak] {
        auto answer = weak.lock();
        if (!answer || answer->answered()) return;
        // The work goes on (a stalled disk may still take the write); a retry then finds the
        // record, or, while the first delivery is still in flight, is told to retry again.
        answer->give(HttpResponse::text(503, "not answered in time, retry\n"),
                     CallbackOutcome::RetryLater, "answer deadline passed");
    });
}

bool CallbackAnswer::give(HttpResponse response, CallbackOutcome outcome, std::string_view detail) {
    if (answered_.exchange(true, std::memory_order_acq_rel)) return false;
    {
        std::lock_guard lock(deadline_mutex_);
        if (timer_ != nullptr && deadline_) timer_->cancel(*deadline_);
    }
    log_answer(metrics_, log_, started_, outcome, response, detail);
    respond_(std::move(response));
    return true;
}

bool CallbackAnswer::reject(const Error& error) {
    return give(rejection(error), rejection_outcome(error), rejection_detail(error));
}

}  // namespace groupdesk::bot::details
