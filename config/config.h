// Plain configuration structs. config_loader.cpp is the only reader of the JSON file; every other
// module receives these values, never JSON.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
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

struct Channel {
    std::string name;  // served at /callback/<name>; [a-z0-9_-]
    ChannelKind kind = ChannelKind::WeCom;
    std::string token;             // secret
    std::string encoding_aes_key;  // secret; empty only for an mp channel in plaintext mode
    std::string receive_id;        // CorpID / AppID; always "" for the AI bot
    std::string secret;            // secret for platform API calls; optional for now
    // mp with a key only: also take plaintext-mode requests, whose signature does not cover the
    // body. Meant for the console's switch-over from plaintext to an encrypted mode.
    bool accept_plaintext = false;
    // AI bot: the bot's own names as members see them ("助手", "assistant"), to tell its mention
    // apart when several members are mentioned at the front of a group message. Empty: the
    // first leading mention is the bot's (the platform only sends messages that mention it).
    std::vector<std::string> bot_names{};
    // User ids that are agents in this channel, on top of the top-level list.
    std::vector<std::string> agents{};

    bool encrypted() const { return !encoding_aes_key.empty(); }
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

    const Channel* find_channel(std::string_view name) const {
        for (const auto& c : channels) {
            if (c.name == name) return &c;
        }
        return nullptr;
    }
};

}  // namespace groupdesk::config
