// JSON wire format of the WeCom AI bot: the callback envelope, the message inside it, the
// passive reply and the encrypted reply envelope.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "wecom/message.h"

namespace groupdesk::wecom {

// The "encrypt" string of {"encrypt": "..."}. Error detail -40002 when the body is not a JSON
// object or "encrypt" is missing, not a string, or empty.
Result<std::string> extract_json_encrypt(std::string_view body);

// A decrypted AI-bot message (kind AiBot). InvalidArgument when malformed or without msgtype.
Result<InboundMessage> decode_aibot_message(std::string_view json);

// The reply JSON for `to`. The AI bot accepts a "text" reply only to the enter_chat event; to a
// message it takes a finished "stream" whose content is markdown (≤ 20480 bytes), with
// `stream_id`. A NewsReply becomes markdown links. A TemplateCardReply or CardUpdateReply becomes
// {"response_type":"update_template_card",…} to a template_card_event and
// {"msgtype":"template_card",…} to anything else. Whether the platform takes the reply at all is
// bot::accepts_passive_reply's question, not this one's.
std::string encode_aibot_reply(const Reply& reply, const InboundMessage& to,
                               std::string_view stream_id);

// {"encrypt":…,"msgsignature":…,"timestamp":"…","nonce":"…"}, keys in this order, timestamp as
// a string, as the official samples write it.
std::string encode_json_envelope(std::string_view encrypt, std::string_view signature,
                                 std::string_view timestamp, std::string_view nonce);

}  // namespace groupdesk::wecom
