// The long connection's frame flow: frame → pipeline (worker) → durable writes → answer frame.
#include "bot/long_connection_endpoint.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "bot/reply_writer.h"
#include "bot/work_queue.h"
#include "common/log_text.h"
#include "handlers/addressed.h"

namespace groupdesk::bot {
namespace {

using Steady = std::chrono::steady_clock;
using handlers::Outcome;

// Said when a message could not be handled. A long connection has no retry as a callback has
// (a 503 makes the platform send it again), so the sender is asked to.
constexpr std::string_view kBusyText = "系统繁忙，这条消息没有处理，请稍后再发一次。";

// What goes back for one frame: nothing, or a cmd and its frame text.
struct Answer {
    CallbackOutcome outcome = CallbackOutcome::NoReply;
    std::string detail;
    std::string cmd;
    std::string frame;
};

Answer busy_answer(const std::string& req_id, const wecom::InboundMessage& message,
                   std::string detail) {
    Answer answer{CallbackOutcome::RetryLater, std::move(detail), {}, {}};
    if (message.is_event()) return answer;  // an event takes no text
    const wecom::Reply busy = wecom::TextReply{std::string(kBusyText)};
    answer.cmd = std::string(wecom::respond_cmd_for(busy, message));
    answer.frame = wecom::encode_respond_frame(req_id, busy, message, stream_id_for(message));
    return answer;
}

// One pass of the answer through the log, the metrics and the socket.
void give(const std::string& channel, const std::string& request_id, const std::string& req_id,
          Steady::time_point started, Answer answer, Metrics& metrics, FrameSender& sender) {
    const double seconds = std::chrono::duration<double>(Steady::now() - started).count();
    metrics.record_callback(channel, answer.outcome, seconds);
    if (answer.outcome == CallbackOutcome::Duplicate) metrics.record_dedup_hit(channel);
    spdlog::info("frame id={} channel={} req_id={} outcome={} by={} answer={} ms={:.1f}",
                 request_id, channel, log_text(req_id, 128), to_string(answer.outcome),
                 log_text(answer.detail, 200), answer.cmd.empty() ? "-" : answer.cmd,
                 seconds * 1000);
    if (answer.cmd.empty()) return;
    sender.request(answer.cmd, req_id, std::move(answer.frame),
                   [channel, request_id, cmd = answer.cmd](Result<Ack> ack) {
                       if (!ack.ok()) {
                           spdlog::warn("frame id={} channel={}: {} not acknowledged: {}",
                                        request_id, channel, cmd, ack.error().message);
                       } else if (ack->errcode != 0) {
                           spdlog::warn("frame id={} channel={}: {} refused: errcode {}: {}",
                                        request_id, channel, cmd, ack->errcode,
                                        log_text(ack->errmsg, 200));
                       }
                   });
}

}  // namespace

LongConnectionEndpoint::LongConnectionEndpoint(const config::Channel& channel,
                                               const handlers::Pipeline& pipeline,
                                               tickets::KnownChatStore& known_chats,
                                               const Clock& clock, Metrics& metrics,
                                               WorkQueue& workers, handlers::WriteGroup write_group)
    : channel_(channel),
      pipeline_(pipeline),
      known_chats_(known_chats),
      clock_(clock),
      metrics_(metrics),
      workers_(workers),
      write_group_(std::move(write_group)) {}

void LongConnectionEndpoint::handle(wecom::AiBotFrame frame, FrameSender& sender) {
    const auto started = Steady::now();
    if (!frame.message) return;
    auto task = [this, req_id = frame.req_id, message = std::move(*frame.message), &sender,
                 started] { run(req_id, message, sender, started); };
    if (workers_.submit(std::move(task))) return;
    // The workers are full: nothing ran; say so rather than leave the sender waiting.
    const std::string request_id = "ws" + std::to_string(next_request_id_.fetch_add(1));
    give(channel_.name, request_id, frame.req_id, started,
         busy_answer(frame.req_id, *frame.message, "work queue full"), metrics_, sender);
}

void LongConnectionEndpoint::run(const std::string& req_id, const wecom::InboundMessage& message,
                                 FrameSender& sender, Steady::time_point started) {
    const std::string request_id = "ws" + std::to_string(next_request_id_.fetch_add(1));
    handlers::Context ctx{channel_, clock_.now(), request_id, {}};
    remember_chat(message, ctx);
    const handlers::PipelineResult result = pipeline_.run(message, ctx);

    Answer answer;
    answer.detail = std::string(result.decided_by);
    switch (result.outcome.kind()) {
        case Outcome::Kind::Reply: {
            const wecom::Reply& reply = result.outcome.reply();
            answer.cmd = std::string(wecom::respond_cmd_for(reply, message));
            if (!answer.cmd.empty()) {
                answer.frame =
                    wecom::encode_respond_frame(req_id, reply, message, stream_id_for(message));
                answer.outcome = CallbackOutcome::Replied;
            }
            break;
        }
        case Outcome::Kind::Pass:
        case Outcome::Kind::Stop:
            break;
        case Outcome::Kind::RetryLater:
            answer = busy_answer(req_id, message, answer.detail + ": " + result.outcome.reason());
            break;
    }
    if (result.outcome.replayed() && answer.outcome != CallbackOutcome::RetryLater) {
        answer.outcome = CallbackOutcome::Duplicate;
    }

    handlers::when_durable(
        ctx.before_answer,
        [this, request_id, req_id, message, started, answer = std::move(answer),
         &sender](std::optional<std::string> failure) mutable {
            if (failure) {
                spdlog::error("frame id={} channel={}: could not record durably: {}", request_id,
                              channel_.name, *failure);
                answer = busy_answer(req_id, message, "not durable");
            }
            give(channel_.name, request_id, req_id, started, std::move(answer), metrics_, sender);
        },
        write_group_);
}

void LongConnectionEndpoint::remember_chat(const wecom::InboundMessage& message,
                                           handlers::Context& ctx) {
    // Only a message opens a chat to pushes; an event (entering a chat, a click) is not one.
    if (message.is_event()) return;
    // The conversation as the tickets see it: the group chat, or the user of a single chat.
    const bool group = handlers::in_group(message);
    std::string chat = group ? message.chat_id : message.sender;
    if (chat.empty()) return;
    {
        std::lock_guard lock(known_mutex_);
        if (known_.contains(chat)) return;
    }
    const tickets::GroupKind kind = group ? tickets::GroupKind::Chat : tickets::GroupKind::User;
    ctx.before_answer.push_back(
        [this, chat = std::move(chat), kind, at = ctx.now](handlers::DurableDone done) {
            known_chats_.remember(channel_.name, chat, kind, at,
                                  [this, chat, done = std::move(done)](Status status) {
                                      if (status.ok()) {
                                          std::lock_guard lock(known_mutex_);
                                          known_.insert(chat);
                                      }
                                      done(std::move(status));
                                  });
        });
}

}  // namespace groupdesk::bot
