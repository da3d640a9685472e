// Plain configuration structs. config_loader.cpp is the only reader of the JSON file; every other
// module receives these values, never JSON.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace groupdesk::config {

enum class ChannelKind {
    WeCom,  // WeCom self-built app: encrypted XML, receive id = CorpID
    Mp,     // Official Account: plaintext, compatible or safe mode, receive id = AppID
    AiBot,  // WeCom AI bot: encrypted JSON, receive id ""
};

std::string_view to_string(ChannelKind kind) noexcept;

// How an AI bot's messages reach GroupDesk (wecom-protocol.md §10.4).
enum class Transport {
    Callback,        // the platform POSTs to /callback/<name> (encrypted JSON)
    LongConnection,  // GroupDesk holds a WebSocket to the platform; no public URL needed
};

std::string_view to_string(Transport transport) noexcept;

struct Channel {
    std::string name;  // served at /callback/<name>; [a-z0-9_-]
    ChannelKind kind = ChannelKind::WeCom;
    std::string token;             // secret
    std::string encoding_aes_key;  // secret; empty only for an mp channel in plaintext mode
    std::string receive_id;        // CorpID / AppID; always "" for the AI bot
    std::string secret;            // secret for platform API calls; the long connection's key
    // AI bot only. A long-connection bot has no token, key nor callback URL: it is reached with
    // `bot_id` and `secret`.
    Transport transport = Transport::Callback;
    std::string bot_id{};
    // mp with a key only: also take plaintext-mode requests, whose signature does not cover the
    // body. Meant for the console's switch-over from plaintext to an encrypted mode.
    bool accept_plaintext = false;
    // AI bot: the bot's own names as members see them ("助手", "assistant"), to tell its mention
    // apart when several members are mentioned at the front of a group message. Empty: the
    // first leading mention is the bot's (the platform only sends messages that mention it).
    std::vector<std::string> bot_names{};
    // User ids that are agents in this channel, on top of the top-level list.
    std::vector<std::string> agents{};
    // WeCom app: the AgentID that message/send sends as (with `secret`). 0 when not set.
    std::int64_t agent_id = 0;
    // AI bot: group chat id → group-robot webhook key (a secret), so that ticket news can be
    // announced in that group later (callback mode has no other push; wecom-protocol.md §11).
    std::map<std::string, std::string> group_webhooks{};
    // AI bot: confirm a new ticket and answer a ticket query with a card whose buttons move the
    // ticket on; false keeps the markdown text. Other kinds cannot show cards: always false.
    bool ticket_cards = true;
    // Official Account (verified service account) only: the template message a ticket
    // notification becomes when the user's 48-hour window has closed (wecom-protocol.md §14.2).
    // Empty template_id: none; such notifications end window_closed.
    struct TemplateFallback {
        std::string template_id;
        std::string url;  // opened when the user taps the message; may be empty
        // Template field name → value, with placeholders {ticket} (the number), {title},
        // {status}, {priority}, {assignee} and {text} (the notification, cut to fit).
        std::map<std::string, std::string> fields;
    } template_fallback{};

    bool encrypted() const { return !encoding_aes_key.empty(); }
    bool long_connection() const { return transport == Transport::LongConnection; }
};

struct Listen {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;
    unsigned threads = 0;  // 0: one per core
};

struct HttpLimits {
    // Platform callbacks are a few KB; 1 MiB leaves room and still bounds memory per connection.
    std::size_t max_body_bytes = std::size_t{1024} * 1024;
    // A client must send its headers within this, so slow clients cannot pin connections.
    std::chrono::seconds header_timeout{10};
    // ... and the whole body within this.
    std::chrono::seconds body_timeout{10};
    // An idle keep-alive connection is closed after this.
    std::chrono::seconds idle_timeout{60};
    std::size_t max_connections = 10000;
    // Request bodies being received, all connections together; at least max_body_bytes.
    std::size_t max_buffered_body_bytes = std::size_t{64} * 1024 * 1024;
};

struct Callbacks {
    // A callback whose signed timestamp is further than this from our clock is refused, so a
    // captured request cannot be replayed later; the platform's own retries come within seconds.
    std::chrono::seconds timestamp_window{3600};
    // A callback not answered within this gets a 503 (the platform waits 5 s, then retries), also
    // when the disk stalls; its effects still complete, and a retry finds them.
    std::chrono::milliseconds answer_deadline{3000};
};

struct Dedup {
    // The platform retries within seconds; days of records also cover a replay after an outage.
    std::chrono::seconds retention{std::chrono::hours{72}};
    std::chrono::seconds sweep_interval{60};
};

struct Logging {
    std::string level = "info";  // trace, debug, info, warn, error
};

// Where the platform APIs are: the real hosts by default, a fake in tests.
struct Platform {
    std::string wecom_api_base = "https://qyapi.weixin.qq.com";
    std::string mp_api_base = "https://api.weixin.qq.com";
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds request_timeout{10000};  // the whole call
    // The AI bot's long connection (wecom-protocol.md §10.4). ws:// is for tests only.
    std::string aibot_ws_url = "wss://openws.work.weixin.qq.com";
    std::chrono::milliseconds aibot_ping_interval{30000};  // the platform's advice
    // A dropped connection is opened again after a delay that doubles from `initial` to `max`,
    // with jitter; subscribing is rate-limited by the platform (45009).
    std::chrono::milliseconds aibot_reconnect_initial{1000};
    std::chrono::milliseconds aibot_reconnect_max{std::chrono::minutes{5}};
    // A request (subscribe, ping, push) unanswered for this long failed; a ping unanswered
    // means the connection is dead.
    std::chrono::milliseconds aibot_ack_timeout{10000};
};

// Delivery of ticket notifications (the outbox).
struct Outbox {
    // Retries back off exponentially with jitter from `retry_initial` to `retry_max`; a row still
    // failing after `give_up_after` ends as failed.
    std::chrono::milliseconds retry_initial{1000};
    std::chrono::milliseconds retry_max{std::chrono::minutes{10}};
    std::chrono::seconds give_up_after{std::chrono::hours{24}};
    // The platforms' documented send limits (20/min per webhook, 30/min and 1000/h per AI-bot
    // chat, 30/min per app member) are kept unless this is false (benchmarks against a fake).
    bool rate_limits = true;
};

// Keyword auto-replies (keywords/).
struct Keywords {
    // The zone of rules' active hours (IANA name; the system's zone database).
    std::string time_zone = "Asia/Shanghai";
    // One rule answers one chat at most once in this long, so that a busy group is not flooded.
    std::chrono::seconds flood_interval{30};
    // The default reply (no rule matched) reaches one user at most once in this long, as in the
    // Official Account backend.
    std::chrono::seconds default_reply_interval{std::chrono::hours{1}};
};

// The 48-hour reply window of Official Account conversations (tickets/reply_window.h).
struct ReplyWindow {
    // Tracking, alerts and enforcement; false turns all three off (sends are left to the
    // platform's own answer).
    bool enabled = true;
    // Where alerts go: a group-robot webhook of the agents' group, or an AI-bot chat (pushed on
    // its long connection, or through its group webhook); with `assignee`, a WeCom app message
    // to the ticket's assignee first, through `app_channel`, and that group otherwise. Nothing
    // configured: no alerts (the API still lists conversations at risk).
    struct AlertsTo {
        std::string webhook_key;    // secret
        std::string aibot_channel;  // "aibot_chat": "<channel>/<chatid>", split
        std::string aibot_chat;
        bool assignee = false;
        std::string app_channel;  // a wecom channel with agent_id; defaults to the only one
        bool configured() const { return !webhook_key.empty() || !aibot_chat.empty() || assignee; }
    } alerts_to{};
    // Alerts this long before a window closes, longest first; each under 48 h.
    std::vector<std::chrono::seconds> lead_times{std::chrono::hours{24}, std::chrono::hours{6},
                                                 std::chrono::hours{1}};
    // Optional: a message to the user this long before the window closes while their answer is
    // still being worked on; costs one message of the quota, once per window.
    bool nudge = false;
    std::chrono::seconds nudge_before{std::chrono::hours{2}};
    std::string nudge_text = "您的问题我们仍在处理，回复任意消息即可继续沟通";
};

// A REST API credential. The token may come from GROUPDESK_API_TOKEN_<NAME> (upper case, '-' →
// '_').
struct ApiToken {
    std::string name;   // recorded as the actor of what the token does; [a-z0-9_-]
    std::string token;  // secret, at least 32 characters, unique
    enum class Role { Agent, Admin } role = Role::Agent;
};

struct Config {
    std::string source;  // the file it came from (or "<embedded>"), for messages
    Listen listen;
    std::string database = "groupdesk.db";
    std::vector<Channel> channels;
    HttpLimits http;
    Callbacks callbacks;
    Dedup dedup;
    Logging log;
    // People, by WeCom / Official Account user id: agents work tickets; admins are agents who also
    // edit what admins edit. A channel's own `agents` add to these.
    std::vector<std::string> agents{};
    std::vector<std::string> admins;
    std::vector<ApiToken> api_tokens;
    Platform platform;
    Outbox outbox;
    Keywords keywords;
    ReplyWindow reply_window;

    const Channel* find_channel(std::string_view name) const {
        for (const auto& c : channels) {
            if (c.name == name) return &c;
        }
        return nullptr;
    }
};

}  // namespace groupdesk::config
