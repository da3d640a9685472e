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
    std::string event;        // as received ("click", "CLICK", "enter_chat", ...)
    std::string event_key;    // EventKey / event_key; may be empty
    std::string change_type;  // ChangeType (contact events); may be empty
    // Any other leaf fields, by element name. AI bot template_card_event: fields["task_id"] is
    // the clicked card's task_id, fields["card_type"] its type.
    std::map<std::string, std::string> fields;
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

// AI bot template card of type "button_interaction" (protocol brief §10.1): a card with buttons
// whose click comes back as a template_card_event carrying the button's key and the card's
// task_id. Only the fields GroupDesk uses are modelled. Text limits are the platform's advice in
// characters (字); the encoder keeps the counted limits and leaves texts as they are.
struct CardTitle {
    std::string title;  // required; ≤ 26 characters
    std::string desc;   // optional second line; ≤ 30 characters; omitted when empty
};
struct CardField {        // one line of horizontal_content_list
    std::string keyname;  // ≤ 5 characters
    std::string value;    // ≤ 26 characters
};
struct CardButton {
    std::string text;  // suggested ≤ 10 characters
    int style = 1;     // 1–4 (the platform's colours); anything else is sent as 1
    std::string key;   // unique within the card, ≤ 1024 bytes; echoed as event_key on a click
};
// What a click on the card body (not on a button) does.
struct CardAction {
    int type = 0;          // 0 nothing, 1 open `url`, 2 open the mini program `appid`/`pagepath`
    std::string url;       // type 1
    std::string appid;     // type 2
    std::string pagepath;  // type 2
};
struct TemplateCard {
    // Unique per bot and per card sent (never reused), only [0-9A-Za-z_\-@], ≤ 128 bytes; echoed
    // as task_id on a click. Ignored by the platform when the card replaces a clicked one.
    std::string task_id;
    CardTitle main_title;
    std::string sub_title_text;                      // ≤ 112 characters; omitted when empty
    std::vector<CardField> horizontal_content_list;  // at most 6 are sent
    std::vector<CardButton> button_list;             // 1–6; at most 6 are sent
    std::optional<CardAction> card_action;
};
// A new card: the AI bot's passive reply to a message or to enter_chat. XML channels cannot show
// a card, so there it becomes a text reply of the title and fields.
struct TemplateCardReply {
    TemplateCard card;
};
// The answer to a click (template_card_event): the clicked card is replaced by `card`, for the
// users in `userids`, or for everyone the message reached when empty (what a group wants). The
// platform takes it only within 5 s of the click. To anything but a click it is sent as a new
// card (userids dropped).
struct CardUpdateReply {
    TemplateCard card;
    std::vector<std::string> userids;
};

using Reply = std::variant<TextReply, NewsReply, TemplateCardReply, CardUpdateReply>;

}  // namespace groupdesk::wecom
