// JSON codec of the WeCom AI bot (nlohmann): reads callbacks without letting an exception out,
// writes replies with keys in the order of the official samples and UTF-8 left raw.
#include "wecom/json_codec.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <exception>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "wecom/crypto.h"
#include "wecom/details/aibot_json.h"
#include "wecom/details/card_json.h"
#include "common/utf8.h"

namespace groupdesk::wecom {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Callbacks are a few KB; the HTTP body limit is 1 MiB, so nothing genuine is larger.
constexpr std::size_t kMaxJsonBytes = std::size_t{1024} * 1024;
// Genuine callbacks nest 4 levels (mixed.msg_item[].text); far deeper input is hostile.
constexpr int kMaxJsonDepth = 32;
// Event fields nest at most one object deep (event.template_card_event.event_key).
constexpr int kMaxFieldDepth = 3;
// Content limits of the passive reply types, in bytes of UTF-8.
constexpr std::size_t kMaxStreamBytes = 20480;
constexpr std::size_t kMaxTextBytes = 2048;
// Matches the XML news reply, so a handler's NewsReply looks the same on every channel.
constexpr std::size_t kMaxArticles = 8;

constexpr int kParseEnvelopeError = static_cast<int>(CryptoCode::ParseEnvelope);

Error invalid(std::string message, int detail = 0) {
    return make_error(ErrorCode::InvalidArgument, std::move(message), detail);
}

// True when brackets nest no deeper than kMaxJsonDepth. Checked before parsing so a hostile
// document never reaches the parser or the recursive parts of the library.
bool depth_ok(std::string_view text) {
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > kMaxJsonDepth) return false;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return true;
}

const Json* member(const Json& obj, const char* key) {
    if (!obj.is_object()) return nullptr;
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
}

// A string member, or "" when absent or of another type.
std::string string_at(const Json& obj, const char* key) {
    const Json* v = member(obj, key);
    return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

// Scalars as text: strings as they are, numbers and booleans as JSON writes them.
std::optional<std::string> scalar_text(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    return std::nullopt;
}

// create_time: absent → 0; a non-negative integer (or a string of one) otherwise.
std::optional<std::int64_t> create_time_of(const Json& root) {
    const Json* v = member(root, "create_time");
    if (v == nullptr || v->is_null()) return 0;
    if (v->is_number_unsigned()) {
        const auto n = v->get<std::uint64_t>();
        if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(n);
    }
    if (v->is_number_integer()) {
        const auto n = v->get<std::int64_t>();
        return n < 0 ? std::nullopt : std::optional<std::int64_t>(n);
    }
    if (v->is_string()) {
        const auto& s = v->get_ref<const std::string&>();
        std::int64_t n = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), n);
        if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || n < 0) {
            return std::nullopt;
        }
        return n;
    }
    return std::nullopt;
}

// Scalar members of an event, nested objects flattened to their member names; first one wins.
void collect_fields(const Json& obj, int depth, std::map<std::string, std::string>& fields) {
    if (depth > kMaxFieldDepth) return;
    for (const auto& [key, value] : obj.items()) {
        if (key == "eventtype" || key == "event_key") continue;
        if (value.is_object()) {
            collect_fields(value, depth + 1, fields);
        } else if (auto text = scalar_text(value)) {
            fields.emplace(key, std::move(*text));
        }
    }
}

// A template_card_event member: inside the "template_card_event" object (official documentation
// and what the platform sends), else directly on the event (the shape the Node SDK's type
// declares); protocol brief, corrections to §6.
std::string card_event_member(const Json& event, const char* key) {
    if (const Json* card = member(event, "template_card_event")) {
        std::string value = string_at(*card, key);
        if (!value.empty()) return value;
    }
    return string_at(event, key);
}

EventBody decode_event(const Json& p) {
    EventBody body;
    body.event = string_at(p, "eventtype");
    body.event_key = card_event_member(p, "event_key");
    collect_fields(p, 0, body.fields);
    if (body.event == "template_card_event") {
        // collect_fields keeps the first name it meets, which may be the flat one.
        for (const char* key : {"task_id", "card_type"}) {
            std::string value = card_event_member(p, key);
            if (!value.empty()) body.fields[key] = std::move(value);
        }
    }
    return body;
}

MessageBody decode_body(const Json& root, const std::string& msg_type) {
    const Json empty = Json::object();
    const Json* part = member(root, msg_type.c_str());
    const Json& p = part != nullptr && part->is_object() ? *part : empty;
    if (msg_type == "text") return TextBody{string_at(p, "content")};
    if (msg_type == "image") return ImageBody{string_at(p, "url"), std::string()};
    if (msg_type == "voice")
        return VoiceBody{std::string(), std::string(), string_at(p, "content")};
    if (msg_type == "file") return FileBody{string_at(p, "url")};
    if (msg_type == "video") return VideoBody{{}, {}, false, string_at(p, "url")};
    if (msg_type == "mixed") {
        MixedBody body;
        const Json* items = member(p, "msg_item");
        if (items != nullptr && items->is_array()) {
            for (const Json& item : *items) {
                const std::string type = string_at(item, "msgtype");
                const Json* inner = member(item, type.c_str());
                if (inner == nullptr) continue;
                if (type == "text") body.items.push_back({false, string_at(*inner, "content"), {}});
                if (type == "image") body.items.push_back({true, {}, string_at(*inner, "url")});
            }
        }
        return body;
    }
    if (msg_type == "event") return decode_event(p);
    // "stream" (a refresh of an unfinished stream reply) and anything newer.
    return UnknownBody{};
}

Result<InboundMessage> decode_root(const Json& root) {
    InboundMessage msg;
    msg.kind = config::ChannelKind::AiBot;
    msg.msg_type = string_at(root, "msgtype");
    if (msg.msg_type.empty()) return invalid("message without msgtype");
    if (const Json* from = member(root, "from")) msg.sender = string_at(*from, "userid");
    // The shape of a stream refresh is not documented, so it may come without a sender.
    if (msg.sender.empty() && msg.msg_type != "stream")
        return invalid("message without from.userid");
    if (const Json* id = member(root, "msgid")) msg.msg_id = scalar_text(*id).value_or("");
    msg.recipient = string_at(root, "aibotid");
    msg.chat_type = string_at(root, "chattype") == "group" ? ChatType::Group : ChatType::Single;
    msg.chat_id = string_at(root, "chatid");
    msg.response_url = string_at(root, "response_url");
    const auto create_time = create_time_of(root);
    if (!create_time) return invalid("malformed create_time");
    msg.create_time = *create_time;
    msg.body = decode_body(root, msg.msg_type);
    if (const Json* quote = member(root, "quote"); quote != nullptr && quote->is_object()) {
        std::string quoted_type = string_at(*quote, "msgtype");
        // Only messages are quoted; a quoted event would be malformed.
        if (!quoted_type.empty() && quoted_type != "event") {
            MessageBody quoted_body = decode_body(*quote, quoted_type);
            msg.quote = QuotedMessage{std::move(quoted_type), std::move(quoted_body)};
        }
    }
    return msg;
}

// Markdown link text must not close the bracket early; the URL must not hold a space or ")".
std::string markdown_label(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '[' || c == ']' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

std::string markdown_url(std::string_view url) {
    std::string out;
    for (const char c : url) {
        if (c == ' ') {
            out += "%20";
        } else if (c == '(') {
            out += "%28";
        } else if (c == ')') {
            out += "%29";
        } else {
            out += c;
        }
    }
    return out;
}

// News as text: markdown links for a stream, plain lines for the enter_chat text reply.
std::string render_news(const NewsReply& news, bool markdown) {
    std::string out;
    const std::size_t count = std::min(news.articles.size(), kMaxArticles);
    for (std::size_t i = 0; i < count; ++i) {
        const NewsArticle& a = news.articles[i];
        if (!out.empty()) out += "\n\n";
        if (markdown && !a.url.empty()) {
            out.append("[").append(markdown_label(a.title.empty() ? a.url : a.title));
            out.append("](").append(markdown_url(a.url)).append(")");
        } else {
            out += a.title;
            if (!a.title.empty() && !a.url.empty()) out += '\n';
            out += a.url;
        }
        if (!a.description.empty()) out.append("\n").append(a.description);
    }
    return out;
}

// Text or news as text; a card never gets here.
std::string content_of(const Reply& reply, bool markdown) {
    if (const auto* text = std::get_if<TextReply>(&reply)) return text->content;
    if (const auto* news = std::get_if<NewsReply>(&reply)) return render_news(*news, markdown);
    return std::string();
}

bool is_event(const InboundMessage& msg, std::string_view name) {
    const auto* event = std::get_if<EventBody>(&msg.body);
    return event != nullptr && event->event == name;
}

// A card as the reply `to` can take: a click is answered by replacing the clicked card, anything
// else by a new card.
std::optional<OrderedJson> card_reply(const Reply& reply, const InboundMessage& to) {
    const TemplateCard* card = nullptr;
    static const std::vector<std::string> kEveryone;
    const std::vector<std::string>* userids = &kEveryone;
    if (const auto* fresh = std::get_if<TemplateCardReply>(&reply)) card = &fresh->card;
    if (const auto* update = std::get_if<CardUpdateReply>(&reply)) {
        card = &update->card;
        userids = &update->userids;
    }
    if (card == nullptr) return std::nullopt;
    if (is_event(to, "template_card_event")) return details::card_update_reply(*card, *userids);
    return details::new_card_reply(*card);
}

}  // namespace

namespace details {

// Parses a JSON object; the message says why it failed (never the content).
Result<Json> parse_json_object(std::string_view text, int detail) {
    if (text.empty()) return invalid("empty JSON", detail);
    if (text.size() > kMaxJsonBytes) return invalid("JSON larger than 1 MiB", detail);
    if (!depth_ok(text)) return invalid("JSON nested too deeply", detail);
    Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return invalid("JSON not well-formed", detail);
    if (!doc.is_object()) return invalid("JSON is not an object", detail);
    return doc;
}

Result<InboundMessage> decode_aibot_json(const Json& root) { return decode_root(root); }

OrderedJson aibot_reply_json(const Reply& reply, const InboundMessage& to,
                             std::string_view stream_id) {
    if (auto card = card_reply(reply, to)) return std::move(*card);
    OrderedJson out;
    if (is_event(to, "enter_chat")) {
        const std::string content = content_of(reply, false);
        out["msgtype"] = "text";
        out["text"]["content"] = utf8_truncate(content, kMaxTextBytes);
    } else {
        const std::string content = content_of(reply, true);
        out["msgtype"] = "stream";
        out["stream"]["id"] = stream_id;
        out["stream"]["finish"] = true;
        out["stream"]["content"] = utf8_truncate(content, kMaxStreamBytes);
    }
    return out;
}

std::string dump_json(const OrderedJson& json) {
    // Raw UTF-8 out (ensure_ascii off); invalid bytes become U+FFFD instead of throwing.
    return json.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

}  // namespace details

Result<std::string> extract_json_encrypt(std::string_view body) {
    try {
        auto parsed = details::parse_json_object(body, kParseEnvelopeError);
        if (!parsed) return std::move(parsed).error();
        const Json* encrypt = member(parsed.value(), "encrypt");
        if (encrypt == nullptr) return invalid("envelope without encrypt", kParseEnvelopeError);
        if (!encrypt->is_string()) return invalid("encrypt is not a string", kParseEnvelopeError);
        auto value = encrypt->get<std::string>();
        if (value.empty()) return invalid("empty encrypt", kParseEnvelopeError);
        return value;
    } catch (const std::exception& e) {
        return make_error(ErrorCode::Internal, std::string("JSON envelope: ") + e.what(),
                          kParseEnvelopeError);
    }
}

Result<InboundMessage> decode_aibot_message(std::string_view json) {
    try {
        auto parsed = details::parse_json_object(json);
        if (!parsed) return std::move(parsed).error();
        return decode_root(parsed.value());
    } catch (const std::exception& e) {
        return make_error(ErrorCode::Internal, std::string("AI bot message: ") + e.what());
    }
}

std::string encode_aibot_reply(const Reply& reply, const InboundMessage& to,
                               std::string_view stream_id) {
    try {
        return details::dump_json(details::aibot_reply_json(reply, to, stream_id));
    } catch (const std::exception&) {  // only std::bad_alloc can get here
        return std::string();          // an empty answer is a valid "no reply" for the AI bot
    }
}

std::string encode_json_envelope(std::string_view encrypt, std::string_view signature,
                                 std::string_view timestamp, std::string_view nonce) {
    try {
        OrderedJson out;
        out["encrypt"] = encrypt;
        out["msgsignature"] = signature;
        out["timestamp"] = timestamp;
        out["nonce"] = nonce;
        return details::dump_json(out);
    } catch (const std::exception&) {  // only std::bad_alloc can get here
        return std::string();
    }
}

}  // namespace groupdesk::wecom
