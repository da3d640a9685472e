// The AI bot's long-connection frames (nlohmann): the frame text is parsed once, under the same
// size and depth limits as a callback, and a message or event body is decoded from the parsed
// object by the callback decoder itself, so both transports see the same InboundMessage.
#include "wecom/aibot_frames.h"

#include <cstdint>
#include <exception>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "wecom/details/aibot_json.h"
#include "wecom/details/markdown_mentions.h"

namespace groupdesk::wecom {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// The push's chat_type values (protocol §10.4; the official plugin's AiBotBizMsgChatType).
constexpr int kChatTypeSingle = 1;
constexpr int kChatTypeGroup = 2;

Error invalid(std::string message) {
    return make_error(ErrorCode::InvalidArgument, std::move(message));
}

const Json* member(const Json& obj, const char* key) {
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

// headers.req_id: absent is "", anything but a string is malformed.
Result<std::string> req_id_of(const Json& frame) {
    const Json* headers = member(frame, "headers");
    if (headers == nullptr || headers->is_null()) return std::string();
    if (!headers->is_object()) return invalid("frame headers is not an object");
    const Json* req_id = member(*headers, "req_id");
    if (req_id == nullptr || req_id->is_null()) return std::string();
    if (!req_id->is_string()) return invalid("frame req_id is not a string");
    return req_id->get<std::string>();
}

// An ack's errcode: an integer that fits int64_t, or absent.
Result<std::optional<std::int64_t>> errcode_of(const Json& frame) {
    const Json* code = member(frame, "errcode");
    if (code == nullptr || code->is_null()) return std::optional<std::int64_t>();
    if (code->is_number_unsigned()) {
        const auto n = code->get<std::uint64_t>();
        if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return invalid("frame errcode out of range");
        }
        return std::optional<std::int64_t>(static_cast<std::int64_t>(n));
    }
    if (code->is_number_integer()) return std::optional<std::int64_t>(code->get<std::int64_t>());
    return invalid("frame errcode is not an integer");
}

bool is_disconnected_event(std::string_view cmd, const Json& body) {
    if (cmd != kCmdEventCallback) return false;
    const Json* event = member(body, "event");
    if (event == nullptr || !event->is_object()) return false;
    const Json* type = member(*event, "eventtype");
    return type != nullptr && type->is_string() && type->get<std::string>() == kDisconnectedEvent;
}

bool carries_message(std::string_view cmd) {
    return cmd == kCmdMsgCallback || cmd == kCmdEventCallback;
}

Result<AiBotFrame> decode_frame(std::string_view text) {
    auto parsed = details::parse_json_object(text);
    if (!parsed) return std::move(parsed).error();
    const Json& root = parsed.value();

    AiBotFrame frame;
    if (const Json* cmd = member(root, "cmd"); cmd != nullptr && !cmd->is_null()) {
        if (!cmd->is_string()) return invalid("frame cmd is not a string");
        frame.cmd = cmd->get<std::string>();
    }
    auto req_id = req_id_of(root);
    if (!req_id) return std::move(req_id).error();
    frame.req_id = std::move(req_id.value());
    auto errcode = errcode_of(root);
    if (!errcode) return std::move(errcode).error();
    frame.errcode = errcode.value();
    // errmsg only ever reaches a log line, so a strange one is not worth refusing the ack for.
    if (const Json* errmsg = member(root, "errmsg"); errmsg != nullptr && errmsg->is_string()) {
        frame.errmsg = errmsg->get<std::string>();
    }
    if (frame.cmd.empty() && !frame.errcode) return invalid("frame has neither cmd nor errcode");

    if (carries_message(frame.cmd)) {
        const Json* body = member(root, "body");
        if (body == nullptr) return invalid("callback frame without body");
        if (!body->is_object()) return invalid("callback frame body is not an object");
        if (is_disconnected_event(frame.cmd, *body)) {
            // Read however sparse the body is: missing it would mean reconnecting into a fight.
            frame.disconnected = true;
            return frame;
        }
        auto message = details::decode_aibot_json(*body);
        if (!message) {
            Error error = std::move(message).error();
            error.message = "callback frame body: " + error.message;
            return error;
        }
        frame.message = std::move(message.value());
    }
    return frame;
}

OrderedJson frame_head(std::string_view cmd, std::string_view req_id) {
    OrderedJson frame;
    frame["cmd"] = cmd;
    frame["headers"]["req_id"] = req_id;
    return frame;
}

bool is_event_named(const InboundMessage& msg, std::string_view name) {
    const auto* event = std::get_if<EventBody>(&msg.body);
    return event != nullptr && event->event == name;
}

}  // namespace

Result<AiBotFrame> decode_aibot_frame(std::string_view text) {
    try {
        return decode_frame(text);
    } catch (const std::exception& e) {  // only std::bad_alloc can get here
        return make_error(ErrorCode::Internal, std::string("AI bot frame: ") + e.what());
    }
}

std::string encode_subscribe_frame(std::string_view req_id, std::string_view bot_id,
                                   std::string_view secret) {
    try {
        OrderedJson frame = frame_head(kCmdSubscribe, req_id);
        frame["body"]["bot_id"] = bot_id;
        frame["body"]["secret"] = secret;
        return details::dump_json(frame);
    } catch (const std::exception&) {  // only std::bad_alloc can get here
        return std::string();
    }
}

std::string encode_ping_frame(std::string_view req_id) {
    try {
        return details::dump_json(frame_head(kCmdPing, req_id));
    } catch (const std::exception&) {  // only std::bad_alloc can get here
        return std::string();
    }
}

// The same rule as bot::accepts_passive_reply for callback mode: a click takes only a card (it
// replaces the clicked one), enter_chat takes a welcome, other events take nothing.
std::string_view respond_cmd_for(const Reply& reply, const InboundMessage& to) {
    if (!to.is_event()) return kCmdRespondMsg;
    if (is_event_named(to, "enter_chat")) return kCmdRespondWelcome;
    const bool card = std::holds_alternative<TemplateCardReply>(reply) ||
                      std::holds_alternative<CardUpdateReply>(reply);
    if (is_event_named(to, "template_card_event") && card) return kCmdRespondUpdate;
    return {};
}

std::string encode_respond_frame(std::string_view req_id, const Reply& reply,
                                 const InboundMessage& to, std::string_view stream_id) {
    const std::string_view cmd = respond_cmd_for(reply, to);
    if (cmd.empty()) return std::string();  // the platform takes no answer: send nothing
    try {
        OrderedJson frame = frame_head(cmd, req_id);
        frame["body"] = details::aibot_reply_json(reply, to, stream_id);
        return details::dump_json(frame);
    } catch (const std::exception&) {  // only std::bad_alloc can get here
        return std::string();
    }
}

std::string encode_send_msg_frame(std::string_view req_id, std::string_view chat_id,
                                  ChatType chat_type, const OutboundMessage& message) {
    try {
        OrderedJson frame = frame_head(kCmdSendMsg, req_id);
        OrderedJson& body = frame["body"];
        body["chatid"] = chat_id;
        body["chat_type"] = chat_type == ChatType::Group ? kChatTypeGroup : kChatTypeSingle;
        body["msgtype"] = "markdown";
        body["markdown"]["content"] = details::markdown_with_mentions(message);
        return details::dump_json(frame);
    } catch (const std::exception&) {  // only std::bad_alloc can get here
        return std::string();
    }
}

}  // namespace groupdesk::wecom
