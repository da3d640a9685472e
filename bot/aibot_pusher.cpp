// A push: the known-chat check, the frame, the ack and what its errcode means.
#include "bot/aibot_pusher.h"

#include <future>
#include <memory>

#include "wecom/aibot_frames.h"
#include "wecom/errcodes.h"

namespace groupdesk::bot {
namespace {

// On top of the connection's ack timeout, which reports first; this only bounds a wait on a
// connection that stopped with the request still queued.
constexpr std::chrono::seconds kWaitMargin{2};

Error unreachable(std::string message) {
    Error error = make_error(ErrorCode::NotFound, std::move(message));
    error.public_reason = "nothing reaches this chat";
    return error;
}

Error unavailable(std::string message) {
    Error error = make_error(ErrorCode::Unavailable, std::move(message));
    error.public_reason = "the platform is unavailable";
    return error;
}

}  // namespace

AiBotPusher::AiBotPusher(tickets::KnownChatStore& known_chats,
                         std::chrono::milliseconds ack_timeout)
    : known_chats_(known_chats), wait_(ack_timeout + kWaitMargin) {}

void AiBotPusher::add(const std::string& channel, FrameSender& connection) {
    connections_[channel] = &connection;
}

Status AiBotPusher::push(const config::Channel& channel, std::string_view chat_id,
                         const wecom::OutboundMessage& message) {
    const auto it = connections_.find(channel.name);
    if (it == connections_.end()) {
        return unreachable("channel " + channel.name + " has no long connection");
    }
    auto kind = known_chats_.find(channel.name, chat_id);
    if (!kind.ok()) return unavailable("known chats: " + kind.error().message);
    if (!kind->has_value()) {
        return unreachable("chat " + std::string(chat_id) +
                           " has never written to the bot, and the platform lets a bot push "
                           "only where it has been spoken to");
    }
    const wecom::ChatType type =
        **kind == tickets::GroupKind::Chat ? wecom::ChatType::Group : wecom::ChatType::Single;

    FrameSender& connection = *it->second;
    std::string req_id = connection.new_req_id(wecom::kCmdSendMsg);
    std::string frame = wecom::encode_send_msg_frame(req_id, chat_id, type, message);
    auto answer = std::make_shared<std::promise<Result<Ack>>>();
    auto acked = answer->get_future();
    connection.request(wecom::kCmdSendMsg, std::move(req_id), std::move(frame),
                       [answer](Result<Ack> ack) { answer->set_value(std::move(ack)); });
    if (acked.wait_for(wait_) != std::future_status::ready) {
        return unavailable("aibot_send_msg: no answer from the connection");
    }
    Result<Ack> ack = acked.get();
    if (!ack.ok()) return unavailable(ack.error().message);
    if (ack->errcode == 0) return ok_status();
    return wecom::errcode_error(static_cast<int>(ack->errcode), ack->errmsg);
}

}  // namespace groupdesk::bot
