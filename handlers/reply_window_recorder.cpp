// ReplyWindowRecorder: the action's time from CreateTime (never later than our clock), one
// durable edit of the conversation per callback, idempotent on the callback's key.
#include "handlers/reply_window_recorder.h"

#include <spdlog/spdlog.h>

#include <memory>
#include <utility>

#include "common/ascii.h"
#include "common/clock.h"

namespace groupdesk::handlers {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

}  // namespace

std::optional<tickets::WindowAction> window_action_of(const wecom::InboundMessage& msg) {
    using tickets::WindowAction;
    const auto* event = std::get_if<wecom::EventBody>(&msg.body);
    if (event == nullptr) return WindowAction::Message;  // anything the user sent
    const std::string name = lower(event->event);
    // The platform's table (wecom-protocol.md §7): only these open a window; a link click (VIEW)
    // or a location report does not.
    if (name == "subscribe") return WindowAction::Follow;
    if (name == "scan") return WindowAction::Scan;
    if (name == "click" || name == "scancode_push" || name == "scancode_waitmsg") {
        return WindowAction::MenuClick;
    }
    if (name == "unsubscribe") return WindowAction::Unfollow;
    return std::nullopt;
}

std::string excerpt_of(const wecom::InboundMessage& msg) {
    struct Visitor {
        std::string operator()(const wecom::TextBody& b) const { return b.content; }
        std::string operator()(const wecom::ImageBody&) const { return "[图片]"; }
        std::string operator()(const wecom::VoiceBody& b) const {
            return b.recognition.empty() ? "[语音]" : "[语音] " + b.recognition;
        }
        std::string operator()(const wecom::VideoBody&) const { return "[视频]"; }
        std::string operator()(const wecom::LocationBody& b) const { return "[位置] " + b.label; }
        std::string operator()(const wecom::LinkBody& b) const { return "[链接] " + b.title; }
        std::string operator()(const wecom::FileBody&) const { return "[文件]"; }
        std::string operator()(const wecom::MixedBody&) const { return "[图文]"; }
        std::string operator()(const wecom::EventBody&) const { return ""; }
        std::string operator()(const wecom::UnknownBody&) const { return "[消息]"; }
    };
    return std::visit(Visitor{}, msg.body);
}

ReplyWindowRecorder::ReplyWindowRecorder(tickets::ConversationStore& store,
                                         const tickets::ReplyWindowService& service,
                                         std::function<void(tickets::time_point)> scheduled)
    : store_(store), service_(service), scheduled_(std::move(scheduled)) {}

Outcome ReplyWindowRecorder::handle(const wecom::InboundMessage& /*msg*/, Context& /*ctx*/) {
    return Outcome::pass();
}

void ReplyWindowRecorder::on_complete(const wecom::InboundMessage& msg, const Outcome& final,
                                      Context& ctx) {
    // A 503 is retried by the platform, which records it then.
    if (!service_.tracks(ctx.channel) || msg.sender.empty() ||
        final.kind() == Outcome::Kind::RetryLater) {
        return;
    }
    const auto action = window_action_of(msg);
    const bool answered = final.kind() == Outcome::Kind::Reply && !ctx.reply_only_acknowledges;
    if (!action && !answered) return;

    tickets::time_point at = ctx.now;
    if (msg.create_time > 0) {
        at = from_unix_seconds(msg.create_time);
        if (at > ctx.now) {
            // The platform's clock ahead of ours: a window must never be taken as longer than
            // it is, so the action counts from now.
            spdlog::warn("request {}: CreateTime {} is {} s ahead of our clock; counted from now",
                         ctx.request_id, msg.create_time,
                         std::chrono::duration_cast<std::chrono::seconds>(at - ctx.now).count());
            at = ctx.now;
        }
    }
    const tickets::ConversationKey key{ctx.channel.name, msg.sender};
    auto next = std::make_shared<std::optional<tickets::time_point>>();
    tickets::ConversationEdit edit = [key, action, at, answered, now = ctx.now,
                                      excerpt = excerpt_of(msg), source = ctx.source_key,
                                      schedule = &service_.schedule(),
                                      next](std::optional<tickets::TrackedConversation>& row) {
        bool changed = false;
        if (action) {
            changed = tickets::apply_action(row, key, *action, at, excerpt, source, *schedule);
        }
        // The passive reply goes out with this answer: the user has been answered now.
        if (answered && row) {
            tickets::apply_answer(*row, now);
            changed = true;
        }
        if (row) *next = row->next_alert_at;
        return changed;
    };
    ctx.before_answer.push_back(
        [this, key, edit = std::move(edit), next, at = ctx.now](DurableDone done) mutable {
            store_.update({{key, std::move(edit)}}, {}, at,
                          [this, next, done = std::move(done)](Status status) {
                              if (status.ok() && *next && scheduled_) scheduled_(**next);
                              done(std::move(status));
                          });
        });
}

}  // namespace groupdesk::handlers
