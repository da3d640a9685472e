// XML codec of WeCom apps and Official Accounts: reads callbacks with tinyxml2, writes replies by
// hand so the bytes match the official samples exactly.
#include "wecom/xml_codec.h"

#include <tinyxml2.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <exception>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "wecom/crypto.h"
#include "common/utf8.h"

namespace groupdesk::wecom {
namespace {

// Callbacks are a few KB; the HTTP body limit is 1 MiB, so nothing genuine is larger.
constexpr std::size_t kMaxXmlBytes = std::size_t{1024} * 1024;
// The platform's limit for a text reply, in bytes of UTF-8.
constexpr std::size_t kMaxReplyContentBytes = 2048;
// The platform shows at most 8 articles in a news reply.
constexpr std::size_t kMaxArticles = 8;
// Event fields are at most two levels deep (ScanCodeInfo/ScanResult, SendPicsInfo/PicList/item);
// deeper input is not a platform event, so it is not walked.
constexpr int kMaxFieldDepth = 4;

constexpr int kParseEnvelopeError = static_cast<int>(CryptoCode::ParseEnvelope);

Error invalid(std::string message, int detail = 0) {
    return make_error(ErrorCode::InvalidArgument, std::move(message), detail);
}

// Parses into `doc`; the message says why it failed (never the content: it may be personal).
std::optional<std::string> parse(std::string_view xml, tinyxml2::XMLDocument& doc) {
    if (xml.empty()) return "empty XML";
    if (xml.size() > kMaxXmlBytes) return "XML larger than 1 MiB";
    // tinyxml2 stops at a NUL byte and could accept a cut-off document.
    if (xml.find('\0') != std::string_view::npos) return "XML contains a NUL byte";
    if (doc.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) {
        return std::string("XML not well-formed: ") + doc.ErrorName();
    }
    const tinyxml2::XMLElement* root = doc.RootElement();
    if (root == nullptr || std::strcmp(root->Name(), "xml") != 0)
        return "root element is not <xml>";
    return std::nullopt;
}

// The text of an element: all text and CDATA children joined, because a CDATA section holding
// "]]>" is written as two sections.
std::string text_of(const tinyxml2::XMLElement& element) {
    std::string out;
    for (const tinyxml2::XMLNode* n = element.FirstChild(); n != nullptr; n = n->NextSibling()) {
        if (const tinyxml2::XMLText* t = n->ToText()) out += t->Value();
    }
    return out;
}

std::optional<std::string> child_text(const tinyxml2::XMLElement& parent, const char* name) {
    const tinyxml2::XMLElement* e = parent.FirstChildElement(name);
    if (e == nullptr) return std::nullopt;
    return text_of(*e);
}

std::string child_text_or_empty(const tinyxml2::XMLElement& parent, const char* name) {
    return child_text(parent, name).value_or(std::string());
}

std::string_view trim(std::string_view s) {
    constexpr std::string_view kSpace = " \t\r\n";
    const auto first = s.find_first_not_of(kSpace);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// A number field: absent or empty keeps `out`; anything but a whole number is an error.
template <class T>
bool read_number(const tinyxml2::XMLElement& parent, const char* name, T& out) {
    const auto text = child_text(parent, name);
    if (!text) return true;
    const std::string_view s = trim(*text);
    if (s.empty()) return true;
    T value{};
    const auto r = std::from_chars(s.data(), s.data() + s.size(), value);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return false;
    out = value;
    return true;
}

// Top-level elements with a member of their own, and the compatible-mode ciphertext.
constexpr std::array<std::string_view, 10> kCommonFields = {
    "ToUserName", "FromUserName", "CreateTime", "MsgType",    "MsgId",
    "AgentID",    "Event",        "EventKey",   "ChangeType", "Encrypt"};

bool is_leaf(const tinyxml2::XMLElement& e) { return e.FirstChildElement() == nullptr; }

// Event-specific fields, by element name; nested ones (ScanCodeInfo/ScanResult) are flattened
// to their leaf name. The first occurrence of a name wins.
void collect_fields(const tinyxml2::XMLElement& parent, int depth,
                    std::map<std::string, std::string>& fields) {
    if (depth > kMaxFieldDepth) return;
    for (const tinyxml2::XMLElement* e = parent.FirstChildElement(); e != nullptr;
         e = e->NextSiblingElement()) {
        const std::string_view name = e->Name();
        if (depth == 0 && std::ranges::find(kCommonFields, name) != kCommonFields.end()) continue;
        if (is_leaf(*e)) {
            fields.emplace(name, text_of(*e));
        } else {
            collect_fields(*e, depth + 1, fields);
        }
    }
}

Result<MessageBody> decode_body(const tinyxml2::XMLElement& root, const std::string& msg_type) {
    if (msg_type == "text") return MessageBody{TextBody{child_text_or_empty(root, "Content")}};
    if (msg_type == "image") {
        return MessageBody{
            ImageBody{child_text_or_empty(root, "PicUrl"), child_text_or_empty(root, "MediaId")}};
    }
    if (msg_type == "voice") {
        return MessageBody{VoiceBody{child_text_or_empty(root, "MediaId"),
                                     child_text_or_empty(root, "Format"),
                                     child_text_or_empty(root, "Recognition")}};
    }
    if (msg_type == "video" || msg_type == "shortvideo") {
        return MessageBody{VideoBody{child_text_or_empty(root, "MediaId"),
                                     child_text_or_empty(root, "ThumbMediaId"),
                                     msg_type == "shortvideo", std::string()}};
    }
    if (msg_type == "location") {
        LocationBody body;
        if (!read_number(root, "Location_X", body.latitude) ||
            !read_number(root, "Location_Y", body.longitude) ||
            !read_number(root, "Scale", body.scale)) {
            return invalid("malformed location coordinates or scale");
        }
        body.label = child_text_or_empty(root, "Label");
        return MessageBody{std::move(body)};
    }
    if (msg_type == "link") {
        return MessageBody{
            LinkBody{child_text_or_empty(root, "Title"), child_text_or_empty(root, "Description"),
                     child_text_or_empty(root, "Url"), child_text_or_empty(root, "PicUrl")}};
    }
    if (msg_type == "file") return MessageBody{FileBody{child_text_or_empty(root, "Url")}};
    if (msg_type == "event") {
        EventBody body;
        body.event = child_text_or_empty(root, "Event");
        body.event_key = child_text_or_empty(root, "EventKey");
        body.change_type = child_text_or_empty(root, "ChangeType");
        collect_fields(root, 0, body.fields);
        return MessageBody{std::move(body)};
    }
    return MessageBody{UnknownBody{}};
}

Result<InboundMessage> decode(std::string_view xml, config::ChannelKind kind) {
    tinyxml2::XMLDocument doc(true, tinyxml2::PRESERVE_WHITESPACE);
    if (auto why = parse(xml, doc)) return invalid(std::move(*why));
    const tinyxml2::XMLElement& root = *doc.RootElement();

    InboundMessage msg;
    msg.kind = kind;
    auto msg_type = child_text(root, "MsgType");
    if (!msg_type || msg_type->empty()) return invalid("message without MsgType");
    msg.msg_type = std::move(*msg_type);
    auto sender = child_text(root, "FromUserName");
    if (!sender || sender->empty()) return invalid("message without FromUserName");
    msg.sender = std::move(*sender);
    msg.recipient = child_text_or_empty(root, "ToUserName");
    msg.msg_id = std::string(trim(child_text_or_empty(root, "MsgId")));
    msg.agent_id = std::string(trim(child_text_or_empty(root, "AgentID")));
    if (!read_number(root, "CreateTime", msg.create_time) || msg.create_time < 0) {
        return invalid("malformed CreateTime");
    }
    auto body = decode_body(root, msg.msg_type);
    if (!body) return std::move(body).error();
    msg.body = std::move(body).value();
    return msg;
}

// XML 1.0 forbids most C0 control characters even inside CDATA; the platform's parser would
// reject the whole reply, so they are dropped.
bool is_xml_char(unsigned char c) { return c >= 0x20 || c == '\t' || c == '\n' || c == '\r'; }

// <![CDATA[text]]>, with any "]]>" split across two sections so it cannot end the first early.
// The characters XML cannot carry are dropped first and the terminator looked for afterwards:
// dropping them later would let "]]\x01>" turn into a terminator after the check.
void append_cdata(std::string& out, std::string_view text) {
    // Almost every text has no such character (an Encrypt field never does): it is used as it
    // is, without a copy built byte by byte.
    const auto unfit = [](char c) { return !is_xml_char(static_cast<unsigned char>(c)); };
    std::string filtered;
    std::string_view kept = text;
    if (std::any_of(text.begin(), text.end(), unfit)) {
        filtered.reserve(text.size());
        std::remove_copy_if(text.begin(), text.end(), std::back_inserter(filtered), unfit);
        kept = filtered;
    }
    out += "<![CDATA[";
    std::size_t from = 0;
    for (std::size_t end; (end = kept.find("]]>", from)) != std::string::npos; from = end + 2) {
        out.append(kept, from, end + 2 - from);  // up to and including "]]"
        out += "]]><![CDATA[";
    }
    out.append(kept.substr(from));
    out += "]]>";
}

void append_element(std::string& out, std::string_view name, std::string_view text) {
    out.append("<").append(name).append(">");
    append_cdata(out, text);
    out.append("</").append(name).append(">");
}

void append_text(std::string& out, const TextReply& reply) {
    append_element(out, "MsgType", "text");
    append_element(out, "Content", utf8_truncate(reply.content, kMaxReplyContentBytes));
}

void append_news(std::string& out, const NewsReply& reply) {
    const std::size_t count = std::min(reply.articles.size(), kMaxArticles);
    append_element(out, "MsgType", "news");
    out.append("<ArticleCount>").append(std::to_string(count)).append("</ArticleCount>");
    out += "<Articles>";
    for (std::size_t i = 0; i < count; ++i) {
        const NewsArticle& a = reply.articles[i];
        out += "<item>";
        append_element(out, "Title", a.title);
        append_element(out, "Description", a.description);
        append_element(out, "PicUrl", a.pic_url);
        append_element(out, "Url", a.url);
        out += "</item>";
    }
    out += "</Articles>";
}

// XML channels have no template card: its readable part goes out as text, one line each for the
// title, description, subtitle and every "keyname: value" field. The buttons are left out, as
// nothing could answer a press.
std::string card_as_text(const TemplateCard& card) {
    std::string out;
    const auto line = [&out](std::string_view text) {
        if (text.empty()) return;
        if (!out.empty()) out += '\n';
        out += text;
    };
    line(card.main_title.title);
    line(card.main_title.desc);
    line(card.sub_title_text);
    for (const CardField& field : card.horizontal_content_list) {
        line(field.keyname.empty() ? field.value : field.keyname + ": " + field.value);
    }
    return out;
}

}  // namespace

Result<std::string> extract_xml_encrypt(std::string_view body) {
    try {
        tinyxml2::XMLDocument doc(true, tinyxml2::PRESERVE_WHITESPACE);
        if (auto why = parse(body, doc)) return invalid(std::move(*why), kParseEnvelopeError);
        auto encrypt = child_text(*doc.RootElement(), "Encrypt");
        if (!encrypt) return invalid("envelope without <Encrypt>", kParseEnvelopeError);
        if (encrypt->empty()) return invalid("empty <Encrypt>", kParseEnvelopeError);
        return std::move(*encrypt);
    } catch (const std::exception& e) {  // only std::bad_alloc can get here
        return make_error(ErrorCode::Internal, std::string("XML envelope: ") + e.what(),
                          kParseEnvelopeError);
    }
}

Result<InboundMessage> decode_xml_message(std::string_view xml, config::ChannelKind kind) {
    try {
        return decode(xml, kind);
    } catch (const std::exception& e) {  // only std::bad_alloc can get here
        return make_error(ErrorCode::Internal, std::string("XML message: ") + e.what());
    }
}

std::string encode_xml_reply(const Reply& reply, std::string_view to_user,
                             std::string_view from_user, std::int64_t create_time) {
    std::string out;
    out.reserve(512);
    out += "<xml>";
    append_element(out, "ToUserName", to_user);
    append_element(out, "FromUserName", from_user);
    out.append("<CreateTime>").append(std::to_string(create_time)).append("</CreateTime>");
    if (const auto* text = std::get_if<TextReply>(&reply)) {
        append_text(out, *text);
    } else if (const auto* news = std::get_if<NewsReply>(&reply)) {
        append_news(out, *news);
    } else if (const auto* card = std::get_if<TemplateCardReply>(&reply)) {
        append_text(out, TextReply{card_as_text(card->card)});
    } else {
        append_text(out, TextReply{card_as_text(std::get<CardUpdateReply>(reply).card)});
    }
    out += "</xml>";
    return out;
}

std::string encode_xml_envelope(std::string_view encrypt, std::string_view signature,
                                std::string_view timestamp, std::string_view nonce) {
    std::string out;
    out.reserve(encrypt.size() + 160);
    out += "<xml>\n";
    append_element(out, "Encrypt", encrypt);
    out += "\n";
    append_element(out, "MsgSignature", signature);
    out.append("\n<TimeStamp>").append(timestamp).append("</TimeStamp>\n");
    append_element(out, "Nonce", nonce);
    out += "\n</xml>";
    return out;
}

}  // namespace groupdesk::wecom
