// Fuzz target: the AI-bot JSON codec on arbitrary bodies; whatever decodes must survive being
// answered, and every reply or envelope the codec writes must be valid JSON of the documented
// shape.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz/fuzz_support.h"
#include "wecom/json_codec.h"

namespace {

using groupdesk::ErrorCode;
using groupdesk::config::ChannelKind;
using groupdesk::fuzz::fuzz_check;
using groupdesk::fuzz::keep_only;
using groupdesk::fuzz::repeat_past;
namespace wecom = groupdesk::wecom;
using Json = nlohmann::ordered_json;

// A stream reply's markdown content is at most 20480 bytes of UTF-8 (protocol §6).
constexpr std::size_t kMaxStreamContentBytes = 20480;
// Text this short fits every reply form unchanged (the XML text reply's limit is the lowest).
constexpr std::size_t kShortTextBytes = 2048;

constexpr std::string_view kBase64Chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

void check_extract(std::string_view input) {
    auto encrypt = wecom::extract_json_encrypt(input);
    if (encrypt.ok()) {
        fuzz_check(!encrypt->empty(), "extract_json_encrypt never returns an empty encrypt");
    } else {
        fuzz_check(encrypt.error().detail == -40002, "extract_json_encrypt fails with -40002");
    }
}

// Parses a reply the codec wrote; the parser also rejects invalid UTF-8 (a cut mid-character).
Json parse_reply(const std::string& text) {
    Json reply = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    fuzz_check(!reply.is_discarded(), "encode_aibot_reply writes valid JSON (and UTF-8)");
    fuzz_check(reply.is_object() && reply.contains("msgtype") && reply["msgtype"].is_string(),
               "a reply is an object with a string msgtype");
    return reply;
}

bool is_enter_chat(const wecom::InboundMessage& msg) {
    const auto* event = std::get_if<wecom::EventBody>(&msg.body);
    return event != nullptr && event->event == "enter_chat";
}

// The reply's text: text.content for the welcome, stream.content otherwise.
std::string reply_content(const Json& reply, const wecom::InboundMessage& to,
                          std::string_view stream_id) {
    if (is_enter_chat(to)) {
        fuzz_check(reply["msgtype"] == "text", "enter_chat is answered with a text reply");
        const Json& text = reply["text"];
        fuzz_check(text.is_object() && text["content"].is_string(), "text.content is a string");
        return text["content"].get<std::string>();
    }
    fuzz_check(reply["msgtype"] == "stream", "a message is answered with a stream reply");
    const Json& stream = reply["stream"];
    fuzz_check(stream.is_object() && stream["id"] == stream_id, "stream.id is the given id");
    fuzz_check(stream["finish"] == true, "a passive stream reply is finished");
    fuzz_check(stream["content"].is_string(), "stream.content is a string");
    return stream["content"].get<std::string>();
}

void check_replies(const wecom::InboundMessage& msg, const std::string& text) {
    std::string stream_id = "stream-" + msg.msg_id;

    for (const std::string& content : {text, repeat_past(text, kMaxStreamContentBytes)}) {
        Json reply =
            parse_reply(wecom::encode_aibot_reply(wecom::TextReply{content}, msg, stream_id));
        std::string sent = reply_content(reply, msg, stream_id);
        fuzz_check(sent.size() <= kMaxStreamContentBytes, "reply content is at most 20480 bytes");
        fuzz_check(content.compare(0, sent.size(), sent) == 0, "a text reply is cut, not changed");
        if (content.size() <= kShortTextBytes) {
            fuzz_check(sent == content, "a short text reply is sent unchanged");
        }
    }

    wecom::NewsReply news;
    news.articles.push_back(
        {text, msg.sender, msg.response_url, "https://example.com/a?b=1&c=[2]"});
    news.articles.push_back({msg.msg_type, "", "", ""});
    Json reply = parse_reply(wecom::encode_aibot_reply(news, msg, stream_id));
    std::string sent = reply_content(reply, msg, stream_id);
    fuzz_check(sent.size() <= kMaxStreamContentBytes, "news content is at most 20480 bytes");
}

// A card made of the input's text is answered as valid JSON of the documented shape: to a click
// it replaces the clicked card, to anything else it is a new card (protocol §10.1, §10.3).
void check_card_replies(const wecom::InboundMessage& msg, const std::string& text) {
    wecom::TemplateCard card;
    card.task_id = msg.msg_id;
    card.main_title = {text, msg.sender};
    card.sub_title_text = msg.response_url;
    for (int i = 0; i < 8; ++i) {
        card.horizontal_content_list.push_back({msg.msg_type, text});
        card.button_list.push_back({text, i, msg.chat_id});
    }
    const auto* event = std::get_if<wecom::EventBody>(&msg.body);
    const bool click = event != nullptr && event->event == "template_card_event";
    for (const wecom::Reply& reply :
         {wecom::Reply{wecom::TemplateCardReply{card}},
          wecom::Reply{wecom::CardUpdateReply{card, {msg.sender, text}}}}) {
        Json out = Json::parse(wecom::encode_aibot_reply(reply, msg, "s"), nullptr,
                               /*allow_exceptions=*/false);
        fuzz_check(!out.is_discarded() && out.is_object(), "a card reply is a JSON object");
        if (click) {
            fuzz_check(out["response_type"] == "update_template_card",
                       "a click is answered by an update of the clicked card");
        } else {
            fuzz_check(out["msgtype"] == "template_card", "a card to a message is a new card");
        }
        const Json& sent = out["template_card"];
        fuzz_check(sent.is_object() && sent["card_type"] == "button_interaction",
                   "the card is a button_interaction card");
        fuzz_check(sent["button_list"].is_array() && sent["button_list"].size() <= 6,
                   "at most 6 buttons are sent");
    }
}

void check_decode(std::string_view input) {
    auto decoded = wecom::decode_aibot_message(input);
    if (!decoded.ok()) {
        fuzz_check(decoded.error().code == ErrorCode::InvalidArgument,
                   "decode_aibot_message fails with InvalidArgument");
        return;
    }
    const wecom::InboundMessage& msg = *decoded;
    fuzz_check(msg.kind == ChannelKind::AiBot, "a decoded AI-bot message has kind AiBot");
    const auto* text = std::get_if<wecom::TextBody>(&msg.body);
    check_replies(msg, text != nullptr ? text->content : msg.msg_type);
    check_card_replies(msg, text != nullptr ? text->content : msg.msg_type);
}

// An envelope made from base64-like fields (what the server puts there) gives back its encrypt,
// with the keys in the samples' order and the timestamp as a string.
void check_envelope(std::string_view input) {
    std::string encrypt = keep_only(input, kBase64Chars);
    if (encrypt.empty()) return;
    std::string envelope = wecom::encode_json_envelope(
        encrypt, "0123456789abcdef0123456789abcdef01234567", "1767225621", "5544332211");
    auto back = wecom::extract_json_encrypt(envelope);
    fuzz_check(back.ok() && *back == encrypt, "extract_json_encrypt(encode_json_envelope(e)) == e");

    Json parsed = Json::parse(envelope, nullptr, /*allow_exceptions=*/false);
    fuzz_check(parsed.is_object() && parsed.size() == 4, "the envelope is an object of 4 keys");
    auto key = parsed.begin();
    for (const char* want : {"encrypt", "msgsignature", "timestamp", "nonce"}) {
        fuzz_check(key.key() == want, "envelope keys come in the samples' order");
        ++key;
    }
    fuzz_check(parsed["timestamp"] == "1767225621", "the envelope's timestamp is a string");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_extract(input);
    check_decode(input);
    check_envelope(input);
    return 0;
}
