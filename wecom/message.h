// InboundMessage and Reply: the typed form of every platform message, whatever channel kind or
// wire format (XML, JSON) it came in. Handlers see only these.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/config.h"

namespace groupdesk::wecom {

enum class ChatType { Single, Group };

struct TextBody {
    std::string content;  // AI bot: includes the leading "@botname"
};
struct ImageBody {
    std::string pic_url;
    std::string media_id;
};
struct VoiceBody {
    std::string media_id;
    std::string format;
    std::string recognition;  // OA speech recognition; AI bot voice.content transcript
};
struct VideoBody {
    std::string media_id;
    std::string thumb_media_id;
    bool short_video = false;  // OA "shortvideo"
    std::string url;           // AI bot: the download URL (valid minutes, encrypted)
};
struct LocationBody {
    double latitude = 0;   // Location_X
    double longitude = 0;  // Location_Y
    int scale = 0;
    std::string label;
};
struct LinkBody {
    std::string title;
    std::string description;
    std::string url;
    std::string pic_url;
};
struct FileBody {
    std::string url;
};
// AI bot "mixed": text and images in order.
struct MixedItem {
    bool is_image = false;
    std::string text;       // when !is_image
    std::string image_url;  // when is_image
};
struct MixedBody {
    std::vector<MixedItem> items;
};
struct EventBody {
    std::string event;                          // as received ("click", "CLICK", "enter_chat", ...)
    std::string event_key;                      // EventKey / event_key; may be empty
    std::string change_type;                    // ChangeType (contact events); may be empty
    std::map<std::string, std::string> fields;  // any other leaf fields, by element name
};
// A message type this version does not model; kept so it can be logged and deduplicated.
struct UnknownBody {};

using MessageBody = std::variant<TextBody, ImageBody, VoiceBody, VideoBody, LocationBody, LinkBody,
                                 FileBody, MixedBody, EventBody, UnknownBody>;

struct QuotedMessage {
    std::string msg_type;
    MessageBody body;
};

struct InboundMessage {
    config::ChannelKind kind = config::ChannelKind::WeCom;
    std::string msg_type;   // MsgType / msgtype as received
    std::string msg_id;     // MsgId (64-bit, kept as text) / msgid; empty for XML events
    std::string sender;     // FromUserName / from.userid
    std::string recipient;  // ToUserName (CorpID or gh_ id) / aibotid
    std::string agent_id;   // AgentID (WeCom app), empty elsewhere
    std::string chat_id;    // AI bot group chat id; empty in single chats and XML channels
    ChatType chat_type = ChatType::Single;
    std::int64_t create_time = 0;  // seconds; 0 when the AI bot leaves it out
    std::string response_url;      // AI bot one-shot active-reply URL
    MessageBody body;
    // AI bot: the message the sender quoted (text, image, mixed, voice or file), e.g. a
    // customer's question an agent forwards to the assistant.
    std::optional<QuotedMessage> quote;

    bool is_event() const { return std::holds_alternative<EventBody>(body); }
};

// What a handler wants said back. The encoder picks the wire form: for the AI bot a TextReply
// becomes a finished markdown "stream" reply to a message, and a "text" reply only to enter_chat.
struct TextReply {
    std::string content;
};
struct NewsArticle {
    std::string title;
    std::string description;
    std::string pic_url;
    std::string url;
};
struct NewsReply {
    std::vector<NewsArticle> articles;
};

using Reply = std::variant<TextReply, NewsReply>;

}  // namespace groupdesk::wecom
