// The callback flow: verify → decrypt → decode (I/O thread) → plaintext binding → pipeline →
// durable writes (worker) → answer, with the answer deadline watching over the second half.
#include "bot/callback_endpoint.h"

#include <spdlog/spdlog.h>

#include <memory>

#include "bot/callback_verifier.h"
#include "bot/deadline_timer.h"
#include "bot/details/callback_answer.h"
#include "bot/plaintext_binding.h"
#include "bot/reply_writer.h"
#include "bot/work_queue.h"
#include "common/log_text.h"
#include "wecom/json_codec.h"
#include "wecom/xml_codec.h"

namespace groupdesk::bot {
namespace {

using details::AnswerLog;
using details::CallbackAnswer;
using details::log_answer;
using details::Steady;
using handlers::Outcome;

// A numbered log record of `channel` for one request.
AnswerLog new_log(const config::Channel& channel, std::atomic<std::uint64_t>& next_id,
                  std::string method) {
    return AnswerLog{channel.name, config::to_string(channel.kind),
                     std::to_string(next_id.fetch_add(1)), std::move(method)};
}

// Answers on the calling thread a request that failed before any work was queued.
void reject_now(Metrics& metrics, const AnswerLog& log, Steady::time_point started,
                const Error& error, Respond& respond) {
    HttpResponse response = details::rejection(error);
    log_answer(metrics, log, started, details::rejection_outcome(error), response,
               details::rejection_detail(error));
    respond(std::move(response));
}

}  // namespace

CallbackEndpoint::CallbackEndpoint(const config::Channel& channel,
                                   std::optional<wecom::MsgCrypt> crypt,
                                   const handlers::Pipeline& pipeline, const Clock& clock,
                                   Metrics& metrics, CallbackServices services)
    : channel_(channel),
      crypt_(std::move(crypt)),
      pipeline_(pipeline),
      clock_(clock),
      metrics_(metrics),
      services_(services) {}

void CallbackEndpoint::handle(const HttpRequest& request, Respond respond) {
    const auto started = Steady::now();
    if (request.method == "GET") return handle_verification(request, respond, started);
    if (request.method == "POST") return handle_callback(request, respond, started);
    AnswerLog log{channel_.name, config::to_string(channel_.kind), "-",
                  log_text(request.method, 32)};
    HttpResponse response = HttpResponse::text(405, "method not allowed\n");
    response.headers.emplace_back("Allow", "GET, POST");
    log_answer(metrics_, log, started, CallbackOutcome::MethodNotAllowed, response, {});
    respond(std::move(response));
}

void CallbackEndpoint::handle_verification(const HttpRequest& request, Respond& respond,
                                           Steady::time_point started) {
    AnswerLog log = new_log(channel_, next_request_id_, "GET");
    auto answer = verify_url(channel_, crypt(), request);
    if (!answer.ok()) return reject_now(metrics_, log, started, answer.error(), respond);
    // The platform wants the bare message: no quotes, no BOM, no newline.
    auto response = HttpResponse::text(200, std::move(answer).value());
    log_answer(metrics_, log, started, CallbackOutcome::Verified, response, {});
    respond(std::move(response));
}

void CallbackEndpoint::handle_callback(const HttpRequest& request, Respond& respond,
                                       Steady::time_point started) {
    AnswerLog log = new_log(channel_, next_request_id_, "POST");
    auto opened = open_callback(channel_, crypt(), request, clock_.now(),
                                services_.settings.timestamp_window);
    if (!opened.ok()) return reject_now(metrics_, log, started, opened.error(), respond);
    auto message = channel_.kind == config::ChannelKind::AiBot
                       ? wecom::decode_aibot_message(opened->message)
                       : wecom::decode_xml_message(opened->message, channel_.kind);
    if (!message.ok()) return reject_now(metrics_, log, started, message.error(), respond);

    auto answer =
        std::make_shared<CallbackAnswer>(metrics_, std::move(log), started, std::move(respond));
    answer->expire_at(services_.deadlines, started + services_.settings.answer_deadline, answer);
    // The body is kept only where the binding needs it (its signature did not cover it).
    std::string body = opened->body_signed ? std::string() : request.body;
    auto task = [this, answer, opened = std::move(opened).value(),
                 message = std::move(message).value(),
                 body = std::move(body)] { run_pipeline(answer, opened, message, body); };
    if (!services_.workers.submit(std::move(task))) {
        answer->give(HttpResponse::text(503, "busy, retry\n"), CallbackOutcome::RetryLater,
                     "work queue full");
    }
}

void CallbackEndpoint::run_pipeline(const std::shared_ptr<CallbackAnswer>& answer,
                                    const OpenedCallback& opened,
                                    const wecom::InboundMessage& message, const std::string& body) {
    // Answered by the deadline while queued: nothing has been done, so nothing needs doing;
    // the platform retries.
    if (answer->answered()) return;

    handlers::Context ctx{channel_, clock_.now(), answer->log().request_id, {}};
    if (!opened.body_signed) {
        auto binding = services_.plaintext_binding.bind(channel_.name, opened.timestamp,
                                                        opened.nonce, body, ctx.now);
        if (!binding.ok()) {
            answer->reject(binding.error());
            return;
        }
        if (*binding) ctx.before_answer.push_back(std::move(**binding));
    }

    const handlers::PipelineResult result = pipeline_.run(message, ctx);
    std::string detail(result.decided_by);

    HttpResponse response;
    CallbackOutcome outcome = CallbackOutcome::NoReply;
    const bool from_record = result.outcome.replayed();
    switch (result.outcome.kind()) {
        case Outcome::Kind::Reply:
            if (accepts_passive_reply(result.outcome.reply(), message)) {
                response = reply_answer(result.outcome.reply(), message, opened, crypt(),
                                        to_unix_seconds(ctx.now));
                outcome = CallbackOutcome::Replied;
            } else {
                response = no_reply_answer(channel_.kind);
            }
            break;
        case Outcome::Kind::Pass:
        case Outcome::Kind::Stop:
            response = no_reply_answer(channel_.kind);
            break;
        case Outcome::Kind::RetryLater:
            detail += ": " + result.outcome.reason();
            response = HttpResponse::text(503, "busy, retry\n");
            outcome = CallbackOutcome::RetryLater;
            break;
    }
    if (from_record && outcome != CallbackOutcome::RetryLater) outcome = CallbackOutcome::Duplicate;

    handlers::when_durable(
        ctx.before_answer,
        [answer, response = std::move(response), outcome,
         detail = std::move(detail)](std::optional<std::string> failure) mutable {
            if (failure) {
                spdlog::error("callback id={} channel={}: could not record durably: {}",
                              answer->log().request_id, answer->log().channel, *failure);
                response = HttpResponse::text(503, "could not record the callback, retry\n");
                outcome = CallbackOutcome::RetryLater;
            }
            answer->give(std::move(response), outcome, detail);
        },
        services_.write_group);
}

}  // namespace groupdesk::bot
