// XML wire format of WeCom apps and Official Accounts: the callback envelope, the message inside
// it, the plaintext passive reply and the encrypted reply envelope.
// xml_codec.cpp is the only file that knows tinyxml2.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "config/config.h"
#include "wecom/message.h"

namespace groupdesk::wecom {

// The text of <Encrypt> in a callback envelope (also in compatible mode, where plaintext fields
// stand beside it). Error detail -40002 when the body is not XML or <Encrypt> is missing or empty.
Result<std::string> extract_xml_encrypt(std::string_view body);

// A decrypted (or Official Account plaintext-mode) message. InvalidArgument when the XML is
// malformed or lacks MsgType / FromUserName.
Result<InboundMessage> decode_xml_message(std::string_view xml, config::ChannelKind kind);

// Plaintext passive reply: <xml><ToUserName>…</ToUserName><FromUserName>…</FromUserName>
// <CreateTime>…</CreateTime><MsgType>…</MsgType>…</xml>. `to_user` is the sender of the message
// being answered, `from_user` the CorpID or gh_ id it was sent to. Text content is cut at 2048
// bytes on a UTF-8 boundary (the platform's limit). A template card (new or update) cannot be
// carried, so it is sent as a text reply of its title, description, subtitle and fields.
std::string encode_xml_reply(const Reply& reply, std::string_view to_user,
                             std::string_view from_user, std::int64_t create_time);

// Encrypted reply envelope, exactly as the official samples write it.
std::string encode_xml_envelope(std::string_view encrypt, std::string_view signature,
                                std::string_view timestamp, std::string_view nonce);

}  // namespace groupdesk::wecom
