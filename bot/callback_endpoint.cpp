// The callback flow: verify → decrypt → decode → pipeline → durable writes → answer.
#include "bot/callback_endpoint.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>

#include "bot/callback_verifier.h"
#include "bot/error_status.h"
#include "bot/reply_writer.h"
#include "wecom/json_codec.h"
#include "wecom/xml_codec.h"

namespace groupdesk::bot {
namespace {

using Steady = std::chrono::steady_clock;
using handlers::Outcome;

double seconds_since(Steady::time_point started) {
    return std::chrono::duration<double>(Steady::now() - started).count();
}

CallbackOutcome outcome_for(const Error& error) {
    return error.code == ErrorCode::Unauthenticated ? CallbackOutcome::BadSignature
                                                    : CallbackOutcome::BadRequest;
}

// What one request leaves in the log and the metrics, written when its answer goes out.
struct AnswerLog {
    std::string channel;
    std::string_view kind;
    std::string request_id;
    std::string method;
    std::string detail;  // handler that decided, or the reason of a rejection
};

void finish(Metrics& metrics, const AnswerLog& log, Steady::time_point started,
            CallbackOutcome outcome, const HttpResponse& response) {
    const double seconds = seconds_since(started);
    metrics.record_callback(log.channel, outcome, seconds);
    if (outcome == CallbackOutcome::Duplicate) metrics.record_dedup_hit(log.channel);
    auto level = response.status >= 500 ? spdlog::level::warn : spdlog::level::info;
    spdlog::log(level, "callback id={} channel={} kind={} method={} status={} outcome={} by={} "
                "latency_ms={:.3f}",
                log.request_id, log.channel, log.kind, log.method, response.status,
                to_string(outcome), log.detail.empty() ? "-" : log.detail, seconds * 1e3);
}

// A numbered log record of `channel` for one request.
AnswerLog new_log(const config::Channel& channel, std::atomic<std::uint64_t>& next_id,
                  std::string method) {
    return AnswerLog{channel.name, config::to_string(channel.kind),
                     std::to_string(next_id.fetch_add(1)), std::move(method), {}};
}

// Answers a request that failed verification or decoding with its 4xx and a short reason.
void reject(Metrics& metrics, AnswerLog& log, Steady::time_point started, const Error& e,
            Respond& respond) {
    log.detail = e.message + (e.detail != 0 ? " (" + std::to_string(e.detail) + ")" : "");
    auto response = HttpResponse::text(http_status_for(e.code), e.message + "\n");
    finish(metrics, log, started, outcome_for(e), response);
    respond(std::move(response));
}

// Waits for the durable writes of one callback, then answers: 503 if any failed.
class PendingAnswer : public std::enable_shared_from_this<PendingAnswer> {
public:
    PendingAnswer(std::size_t writes, HttpResponse response, CallbackOutcome outcome,
                  AnswerLog log, Steady::time_point started, Metrics& metrics, Respond respond)
        : remaining_(writes), response_(std::move(response)), outcome_(outcome),
          log_(std::move(log)), started_(started), metrics_(metrics), respond_(std::move(respond)) {}

    void done(const Status& status) {
        std::unique_lock lock(mutex_);
        if (!status.ok() && !failure_) failure_ = status.error().message;
        if (--remaining_ > 0) return;
        lock.unlock();
        if (failure_) {
            spdlog::error("callback id={} channel={}: could not record durably: {}",
                          log_.request_id, log_.channel, *failure_);
            response_ = HttpResponse::text(503, "could not record the callback, retry\n");
            outcome_ = CallbackOutcome::RetryLater;
        }
        finish(metrics_, log_, started_, outcome_, response_);
        respond_(std::move(response_));
    }

private:
    std::mutex mutex_;
    std::size_t remaining_;
    std::optional<std::string> failure_;
    HttpResponse response_;
    CallbackOutcome outcome_;
    AnswerLog log_;
    Steady::time_point started_;
    Metrics& metrics_;
    Respond respond_;
};

}  // namespace

CallbackEndpoint::CallbackEndpoint(const config::Channel& channel,
                                   std::optional<wecom::MsgCrypt> crypt,
                                   const handlers::Pipeline& pipeline, const Clock& clock,
                                   Metrics& metrics)
    : channel_(channel), crypt_(std::move(crypt)), pipeline_(pipeline), clock_(clock),
      metrics_(metrics) {}

void CallbackEndpoint::handle(const HttpRequest& request, Respond respond) {
    const auto started = Steady::now();
    if (request.method == "GET") return handle_verification(request, respond, started);
    if (request.method == "POST") return handle_callback(request, respond, started);
    AnswerLog log{channel_.name, config::to_string(channel_.kind), "-", request.method, {}};
    HttpResponse response = HttpResponse::text(405, "method not allowed\n");
    response.headers.emplace_back("Allow", "GET, POST");
    finish(metrics_, log, started, CallbackOutcome::MethodNotAllowed, response);
    respond(std::move(response));
}

void CallbackEndpoint::handle_verification(const HttpRequest& request, Respond& respond,
                                           Steady::time_point started) {
    AnswerLog log = new_log(channel_, next_request_id_, "GET");
    auto answer = verify_url(channel_, crypt(), request);
    if (!answer.ok()) return reject(metrics_, log, started, answer.error(), respond);
    // The platform wants the bare message: no quotes, no BOM, no newline.
    auto response = HttpResponse::text(200, std::move(answer).value());
    finish(metrics_, log, started, CallbackOutcome::Verified, response);
    respond(std::move(response));
}

void CallbackEndpoint::handle_callback(const HttpRequest& request, Respond& respond,
                                       Steady::time_point started) {
    AnswerLog log = new_log(channel_, next_request_id_, "POST");
    auto opened = open_callback(channel_, crypt(), request);
    if (!opened.ok()) return reject(metrics_, log, started, opened.error(), respond);
    auto message = channel_.kind == config::ChannelKind::AiBot
                       ? wecom::decode_aibot_message(opened->message)
                       : wecom::decode_xml_message(opened->message, channel_.kind);
    if (!message.ok()) return reject(metrics_, log, started, message.error(), respond);

    handlers::Context ctx{channel_, clock_.now(), log.request_id, {}};
    const handlers::PipelineResult result = pipeline_.run(*message, ctx);
    log.detail = result.decided_by;

    HttpResponse response;
    CallbackOutcome outcome = CallbackOutcome::NoReply;
    const bool from_record = result.decided_by == "dedup";
    switch (result.outcome.kind()) {
        case Outcome::Kind::Reply:
            if (accepts_passive_reply(*message)) {
                response = reply_answer(result.outcome.reply(), *message, *opened,
                                        crypt(), to_unix_seconds(ctx.now));
                outcome = CallbackOutcome::Replied;
            } else {
                response = no_reply_answer(channel_.kind);
            }
            break;
        case Outcome::Kind::Pass:
        case Outcome::Kind::Stop: response = no_reply_answer(channel_.kind); break;
        case Outcome::Kind::RetryLater:
            log.detail += ": " + result.outcome.reason();
            response = HttpResponse::text(503, "busy, retry\n");
            outcome = CallbackOutcome::RetryLater;
            break;
    }
    if (from_record && outcome != CallbackOutcome::RetryLater) outcome = CallbackOutcome::Duplicate;

    if (ctx.before_answer.empty()) {
        finish(metrics_, log, started, outcome, response);
        return respond(std::move(response));
    }
    auto pending = std::make_shared<PendingAnswer>(ctx.before_answer.size(), std::move(response),
                                                   outcome, std::move(log), started, metrics_,
                                                   std::move(respond));
    for (auto& write : ctx.before_answer) {
        write([pending](Status status) { pending->done(status); });
    }
}

}  // namespace groupdesk::bot
