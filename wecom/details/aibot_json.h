// The AI bot's JSON codec on parsed documents, for the long-connection frames: their bodies are
// the HTTP callback's JSON, so the frame decoder hands over the parsed body instead of its text,
// and embeds a reply as an object instead of a string.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "common/result.h"
#include "wecom/message.h"

namespace groupdesk::wecom::details {

// A JSON object from untrusted text: at most 1 MiB, nested at most 32 levels (checked before the
// parser sees it), well-formed. InvalidArgument with `detail` and a short reason otherwise.
Result<nlohmann::json> parse_json_object(std::string_view text, int detail = 0);

// decode_aibot_message on a parsed callback body. May throw only std::bad_alloc.
Result<InboundMessage> decode_aibot_json(const nlohmann::json& root);

// encode_aibot_reply before it is written out. May throw only std::bad_alloc.
nlohmann::ordered_json aibot_reply_json(const Reply& reply, const InboundMessage& to,
                                        std::string_view stream_id);

// Compact JSON with UTF-8 left raw; invalid bytes become U+FFFD instead of throwing.
std::string dump_json(const nlohmann::ordered_json& json);

}  // namespace groupdesk::wecom::details
