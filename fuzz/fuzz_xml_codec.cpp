// Fuzz target: the XML codec on arbitrary bodies; whatever decodes must survive being answered,
// and every reply or envelope the codec writes must decode again.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz/fuzz_support.h"
#include "wecom/xml_codec.h"

namespace {

using groupdesk::ErrorCode;
using groupdesk::config::ChannelKind;
using groupdesk::fuzz::fuzz_check;
using groupdesk::fuzz::is_valid_utf8;
using groupdesk::fuzz::keep_only;
using groupdesk::fuzz::repeat_past;
namespace wecom = groupdesk::wecom;

// The platform's limit on a passive text reply (protocol §4), which encode_xml_reply enforces.
constexpr std::size_t kMaxTextReplyBytes = 2048;

constexpr std::string_view kBase64Chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

// Values that XML can carry byte for byte: parsers turn a carriage return into a newline, and
// XML 1.0 has no way to write other C0 controls (the codec may drop them). Other values are
// only checked for well-formedness of what is written.
bool survives_xml(std::string_view s) {
    return std::none_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n';
    });
}

void check_extract(std::string_view input) {
    auto encrypt = wecom::extract_xml_encrypt(input);
    if (encrypt.ok()) {
        fuzz_check(!encrypt->empty(), "extract_xml_encrypt never returns an empty Encrypt");
    } else {
        fuzz_check(encrypt.error().detail == -40002, "extract_xml_encrypt fails with -40002");
    }
}

// Answers `msg` with `reply` and decodes the answer as the platform would parse it.
wecom::InboundMessage answer_and_decode(const wecom::InboundMessage& msg, const wecom::Reply& reply,
                                        std::string_view from_user) {
    std::string xml = wecom::encode_xml_reply(reply, msg.sender, from_user, msg.create_time);
    auto back = wecom::decode_xml_message(xml, msg.kind);
    fuzz_check(back.ok(), "encode_xml_reply writes XML that decodes");
    fuzz_check(back->create_time == msg.create_time, "the reply keeps CreateTime");
    if (survives_xml(msg.sender)) {
        fuzz_check(back->recipient == msg.sender, "the reply goes to the message's sender");
    }
    if (survives_xml(from_user)) {
        fuzz_check(back->sender == from_user, "the reply comes from the message's recipient");
    }
    return std::move(back).value();
}

void check_text_reply(const wecom::InboundMessage& msg, std::string_view from_user,
                      const std::string& content) {
    auto back = answer_and_decode(msg, wecom::TextReply{content}, from_user);
    fuzz_check(back.msg_type == "text", "a text reply has MsgType text");
    const auto* text = std::get_if<wecom::TextBody>(&back.body);
    fuzz_check(text != nullptr, "a text reply decodes as text");
    fuzz_check(text->content.size() <= kMaxTextReplyBytes, "a text reply is at most 2048 bytes");
    if (!survives_xml(content)) return;
    if (content.size() <= kMaxTextReplyBytes) {
        fuzz_check(text->content == content, "a short text reply is sent unchanged");
    } else {
        fuzz_check(content.compare(0, text->content.size(), text->content) == 0,
                   "a long text reply is cut, not changed");
        if (is_valid_utf8(content)) {
            fuzz_check(is_valid_utf8(text->content), "a long text reply is cut between characters");
        }
    }
}

void check_news_reply(const wecom::InboundMessage& msg, std::string_view from_user,
                      const std::string& text) {
    wecom::NewsReply news;
    news.articles.push_back({text, msg.sender, msg.recipient, "https://example.com/a?b=1&c=2"});
    news.articles.push_back({msg.msg_type, "", "", ""});
    auto back = answer_and_decode(msg, news, from_user);
    fuzz_check(back.msg_type == "news", "a news reply has MsgType news");
}

void check_decode(std::string_view input, ChannelKind kind) {
    auto decoded = wecom::decode_xml_message(input, kind);
    if (!decoded.ok()) {
        fuzz_check(decoded.error().code == ErrorCode::InvalidArgument,
                   "decode_xml_message fails with InvalidArgument");
        return;
    }
    const wecom::InboundMessage& msg = *decoded;
    fuzz_check(msg.kind == kind, "the decoded message carries the channel kind");

    // The reply's FromUserName is the message's recipient; a reply needs one to decode, and a
    // value made only of characters XML cannot carry may be written as nothing.
    bool writable = std::any_of(msg.recipient.begin(), msg.recipient.end(), [](char c) {
        return static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r';
    });
    std::string from_user = writable ? msg.recipient : "ww_fuzz_recipient";
    const auto* text = std::get_if<wecom::TextBody>(&msg.body);
    std::string content = text != nullptr ? text->content : msg.msg_type;
    check_text_reply(msg, from_user, content);
    check_text_reply(msg, from_user, repeat_past(content, kMaxTextReplyBytes));
    check_news_reply(msg, from_user, content);
}

// An envelope made from base64-like fields (what the server puts there) gives back its Encrypt.
void check_envelope(std::string_view input) {
    std::string encrypt = keep_only(input, kBase64Chars);
    if (encrypt.empty()) return;
    std::string envelope = wecom::encode_xml_envelope(
        encrypt, "0123456789abcdef0123456789abcdef01234567", "1767225601", "2093746501");
    auto back = wecom::extract_xml_encrypt(envelope);
    fuzz_check(back.ok() && *back == encrypt, "extract_xml_encrypt(encode_xml_envelope(e)) == e");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_extract(input);
    for (ChannelKind kind : {ChannelKind::WeCom, ChannelKind::Mp, ChannelKind::AiBot}) {
        check_decode(input, kind);
    }
    check_envelope(input);
    return 0;
}
