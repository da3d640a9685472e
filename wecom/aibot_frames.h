// The AI bot's long-connection frames (wecom-protocol.md §10.4): JSON text frames
// {"cmd":…,"headers":{"req_id":…},"body":{…}} both ways, and acks {"headers":{"req_id":…},
// "errcode":N,"errmsg":…} without a cmd. The bodies of message and event frames are those of the
// HTTP callback, so they decode into the same InboundMessage.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "wecom/api_client.h"
#include "wecom/message.h"

namespace groupdesk::wecom {

// Commands, as the platform spells them.
inline constexpr std::string_view kCmdSubscribe = "aibot_subscribe";
inline constexpr std::string_view kCmdPing = "ping";
inline constexpr std::string_view kCmdMsgCallback = "aibot_msg_callback";
inline constexpr std::string_view kCmdEventCallback = "aibot_event_callback";
inline constexpr std::string_view kCmdRespondMsg = "aibot_respond_msg";
inline constexpr std::string_view kCmdRespondWelcome = "aibot_respond_welcome_msg";
inline constexpr std::string_view kCmdRespondUpdate = "aibot_respond_update_msg";
inline constexpr std::string_view kCmdSendMsg = "aibot_send_msg";

// The event that tells a connection another one took the bot over (it must not reconnect).
inline constexpr std::string_view kDisconnectedEvent = "disconnected_event";

struct AiBotFrame {
    std::string cmd;     // empty for an ack
    std::string req_id;  // headers.req_id; may be empty
    // An ack's result: errcode 0 is success. Absent on command frames.
    std::optional<std::int64_t> errcode;
    std::string errmsg;
    // aibot_msg_callback / aibot_event_callback: the body, decoded as an HTTP callback's message
    // would be (kind AiBot).
    std::optional<InboundMessage> message;
    // An aibot_event_callback of disconnected_event: another connection took the bot over. Set
    // from the event type alone (no message is decoded), whatever else the body has or lacks.
    bool disconnected = false;

    bool is_ack() const { return cmd.empty(); }
};

// One received text frame. InvalidArgument (with a short reason) when it is not a JSON object,
// headers is not an object, req_id or cmd is not a string, errcode is not an integer, a message
// or event frame has no valid body, or it has neither a cmd nor an errcode. Unknown cmds decode
// (cmd set, no message), so that the caller can log them.
Result<AiBotFrame> decode_aibot_frame(std::string_view text);

// {"cmd":"aibot_subscribe","headers":{"req_id":…},"body":{"bot_id":…,"secret":…}}
std::string encode_subscribe_frame(std::string_view req_id, std::string_view bot_id,
                                   std::string_view secret);
// {"cmd":"ping","headers":{"req_id":…}}
std::string encode_ping_frame(std::string_view req_id);

// The cmd that answers `to` with `reply`, or "" when the platform takes no answer to it:
// aibot_respond_welcome_msg for enter_chat, aibot_respond_update_msg for a template_card_event
// answered with a card, aibot_respond_msg for a message; nothing for other events.
std::string_view respond_cmd_for(const Reply& reply, const InboundMessage& to);

// The answer frame to the frame `req_id` that carried `to`: the cmd of respond_cmd_for, and as
// the body what encode_aibot_reply makes of `reply` in callback mode. "" (nothing to send) when
// respond_cmd_for is empty.
std::string encode_respond_frame(std::string_view req_id, const Reply& reply,
                                 const InboundMessage& to, std::string_view stream_id);

// A push into a chat the bot may write to: {"cmd":"aibot_send_msg","headers":{"req_id":…},
// "body":{"chatid":…,"chat_type":1|2,"msgtype":"markdown","markdown":{"content":…}}}. chat_type
// 1 is a single chat (chatid = the user's id), 2 a group. The push takes markdown only (a "text"
// push is refused with 40008), so plain text is sent as markdown too; mentions are appended as
// <@userid>.
std::string encode_send_msg_frame(std::string_view req_id, std::string_view chat_id,
                                  ChatType chat_type, const OutboundMessage& message);

}  // namespace groupdesk::wecom
