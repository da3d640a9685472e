// Fuzz target: the AI bot's long-connection frames on arbitrary text. A frame either decodes or is
// refused as InvalidArgument; a decoded message body is the one the callback decoder reads; and
// whatever decodes must survive being answered, as valid JSON of the documented shape.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz/fuzz_support.h"
#include "wecom/aibot_frames.h"
#include "wecom/json_codec.h"

namespace {

using groupdesk::ErrorCode;
using groupdesk::config::ChannelKind;
using groupdesk::fuzz::fuzz_check;
namespace wecom = groupdesk::wecom;
using Json = nlohmann::ordered_json;

Json parse_frame(const std::string& text, const char* what) {
    Json frame = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    fuzz_check(!frame.is_discarded() && frame.is_object(), what);
    return frame;
}

// The frame's body read again by the callback decoder gives the same message.
void check_same_as_callback(const Json& input, const wecom::InboundMessage& msg) {
    auto again = wecom::decode_aibot_message(input["body"].dump());
    fuzz_check(again.ok(), "a frame's message body decodes as a callback too");
    fuzz_check(again->msg_type == msg.msg_type && again->msg_id == msg.msg_id &&
                   again->sender == msg.sender && again->chat_id == msg.chat_id &&
                   again->chat_type == msg.chat_type && again->body.index() == msg.body.index(),
               "a frame's message is the callback decoder's message");
}

// Every message can be answered with a text unless the platform takes no answer to it.
void check_respond(const wecom::AiBotFrame& frame, const wecom::InboundMessage& msg) {
    const wecom::Reply reply = wecom::TextReply{msg.sender + "\n\"" + msg.chat_id + "\""};
    const std::string_view cmd = wecom::respond_cmd_for(reply, msg);
    const std::string text = wecom::encode_respond_frame(frame.req_id, reply, msg, "stream-1");
    if (cmd.empty()) {
        fuzz_check(msg.is_event(), "only an event may take no answer");
        fuzz_check(text.empty(), "no respond frame where the platform takes no answer");
        return;
    }
    Json out = parse_frame(text, "a respond frame is a JSON object");
    fuzz_check(out["cmd"] == cmd, "the respond frame's cmd is respond_cmd_for's");
    fuzz_check(out["headers"]["req_id"] == frame.req_id, "the respond frame keeps the req_id");
    fuzz_check(out["body"].is_object() && out["body"]["msgtype"].is_string(),
               "the respond frame's body is a reply object");
}

void check_decode(std::string_view input) {
    auto decoded = wecom::decode_aibot_frame(input);
    if (!decoded.ok()) {
        fuzz_check(decoded.error().code == ErrorCode::InvalidArgument,
                   "decode_aibot_frame fails with InvalidArgument");
        return;
    }
    const wecom::AiBotFrame& frame = *decoded;
    fuzz_check(!frame.cmd.empty() || frame.errcode.has_value(), "a frame has a cmd or an errcode");
    const bool callback =
        frame.cmd == wecom::kCmdMsgCallback || frame.cmd == wecom::kCmdEventCallback;
    fuzz_check(callback == (frame.message.has_value() || frame.disconnected),
               "exactly callback frames carry a message or a takeover");
    fuzz_check(!frame.disconnected || !frame.message, "a takeover carries no message");
    if (!frame.message) return;
    fuzz_check(frame.message->kind == ChannelKind::AiBot, "a frame's message has kind AiBot");
    check_same_as_callback(Json::parse(input), *frame.message);
    check_respond(frame, *frame.message);
}

// Frames made of the input's text are valid JSON that keeps the text.
void check_encoders(std::string_view input) {
    const std::string text(input);
    Json push = parse_frame(
        wecom::encode_send_msg_frame(text, text, wecom::ChatType::Group, {false, text, {text}}),
        "a send_msg frame is a JSON object");
    fuzz_check(push["cmd"] == wecom::kCmdSendMsg && push["body"]["msgtype"] == "markdown",
               "a push is an aibot_send_msg frame with markdown");
    fuzz_check(push["body"]["chat_type"] == 2, "a group push has chat_type 2");
    Json subscribe =
        parse_frame(wecom::encode_subscribe_frame(text, text, text), "subscribe is JSON");
    fuzz_check(subscribe["cmd"] == wecom::kCmdSubscribe, "subscribe has its cmd");
    Json ping = parse_frame(wecom::encode_ping_frame(text), "ping is JSON");
    fuzz_check(ping["cmd"] == wecom::kCmdPing && !ping.contains("body"), "ping has no body");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_decode(input);
    check_encoders(input);
    return 0;
}
