// Channel rules: field checks, name and environment prefix uniqueness, environment overrides.
#include "config/details/channel_rules.h"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

namespace groupdesk::config::details {
namespace {

constexpr std::size_t kAesKeyLength = 43;     // WXBizMsgCrypt: 43 base64 chars → 32-byte key
constexpr std::size_t kMaxTokenLength = 128;  // the consoles allow far less; this only bounds input
constexpr std::size_t kMaxNameLength = 63;    // one URL path segment, also part of env var names
constexpr const char* kEnvPrefix = "GROUPDESK_";

bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_or_digit(c) || (c >= 'A' && c <= 'Z'); }
bool is_visible_ascii(char c) { return c > 0x20 && c < 0x7f; }

bool valid_name(std::string_view s) {
    if (s.empty() || s.size() > kMaxNameLength || !is_lower_or_digit(s[0])) return false;
    return std::all_of(s.begin() + 1, s.end(),
                       [](char c) { return is_lower_or_digit(c) || c == '_' || c == '-'; });
}

}  // namespace

std::string env_part(std::string_view s) {
    std::string out;
    for (char c : s) out += c == '-' ? '_' : (c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c);
    return out;
}

namespace {

// "corp-app" → "GROUPDESK_CORP_APP_"
std::string env_prefix(std::string_view name) { return kEnvPrefix + env_part(name) + "_"; }

std::optional<ChannelKind> parse_kind(std::string_view s) {
    if (s == "wecom") return ChannelKind::WeCom;
    if (s == "mp") return ChannelKind::Mp;
    if (s == "aibot") return ChannelKind::AiBot;
    return std::nullopt;
}

}  // namespace

std::string quote(const std::string& s) { return nlohmann::json(s).dump(); }

Channel ChannelChecker::check(const ChannelFields& fields, const std::string& path,
                              std::vector<Problem>& problems) {
    auto fail = [&](const char* key, std::string message) {
        problems.push_back(Problem{path + "." + key, std::move(message)});
    };
    // The field's value when it is a string; a problem when it is there with another type.
    auto string = [&](const StringField& field, const char* key) {
        if (field.present && !field.value) fail(key, "must be a string");
        return field.value;
    };
    Channel channel;

    const auto name = string(fields.name, "name");
    if (!fields.name.present) fail("name", "is required");
    if (name && !valid_name(*name)) {
        fail("name", "must match ^[a-z0-9][a-z0-9_-]{0,62}$, got " + quote(*name));
    } else if (name) {
        channel.name = *name;
        if (const auto [it, fresh] = names_.emplace(*name, path); !fresh) {
            fail("name", quote(*name) + " is already used by " + it->second);
        } else if (const auto [at, unique] = prefixes_.emplace(env_prefix(*name), path); !unique) {
            fail("name", quote(*name) + " has the same environment prefix " + at->first + " as " +
                             at->second);
        }
    }

    // A missing secret may be meant to come from the environment: name the variable.
    const std::string prefix = name && valid_name(*name) ? env_prefix(*name) : "";
    auto or_env = [&prefix](const char* field) {
        return prefix.empty() ? "" : " (in the file or as " + prefix + env_part(field) + ")";
    };

    std::optional<ChannelKind> kind;
    if (auto text = string(fields.kind, "kind")) {
        kind = parse_kind(*text);
        if (!kind) fail("kind", "must be one of wecom, mp, aibot, got " + quote(*text));
    } else if (!fields.kind.present) {
        fail("kind", "is required");
    }
    if (kind) channel.kind = *kind;

    if (auto text = string(fields.transport, "transport")) {
        if (*text == "long_connection") {
            channel.transport = Transport::LongConnection;
        } else if (*text != "callback") {
            fail("transport", "must be callback or long_connection, got " + quote(*text));
        }
        if (kind && *kind != ChannelKind::AiBot) {
            fail("transport", "is only for an aibot channel (other kinds have callbacks only)");
        }
    }
    const bool long_connection = channel.long_connection();
    if (long_connection) {
        // The platform authenticates the socket itself: the callback secrets have no use, and a
        // stray one would suggest a callback URL that is not served.
        for (const auto& [field, key] : {std::pair{&fields.token, "token"},
                                         {&fields.encoding_aes_key, "encoding_aes_key"},
                                         {&fields.receive_id, "receive_id"}}) {
            if (field->present) fail(key, "is not used with transport long_connection");
        }
        const auto bot_id = string(fields.bot_id, "bot_id");
        if (bot_id && (bot_id->empty() || bot_id->size() > kMaxTokenLength ||
                       !std::all_of(bot_id->begin(), bot_id->end(), is_visible_ascii))) {
            fail("bot_id", "must be 1 to 128 printable ASCII characters without whitespace");
        } else if (bot_id) {
            channel.bot_id = *bot_id;
        } else if (!fields.bot_id.present) {
            fail("bot_id", "is required with transport long_connection");
        }
        if (auto secret = string(fields.secret, "secret")) {
            if (secret->empty()) fail("secret", "must not be empty");
            channel.secret = *secret;
        } else if (!fields.secret.present) {
            fail("secret", "is required with transport long_connection" + or_env("secret"));
        }
        return channel;
    }
    if (fields.bot_id.present) fail("bot_id", "is only for an aibot channel with transport long_connection");

    // Secrets: only their length may appear in a message.
    if (auto token = string(fields.token, "token")) {
        if (token->empty() || token->size() > kMaxTokenLength) {
            fail("token", "must be 1 to 128 characters, got " + std::to_string(token->size()));
        } else if (!std::all_of(token->begin(), token->end(), is_visible_ascii)) {
            fail("token", "must be printable ASCII without whitespace");
        }
        channel.token = std::move(*token);
    } else if (!fields.token.present) {
        fail("token", "is required" + or_env("token"));
    }

    const auto key = string(fields.encoding_aes_key, "encoding_aes_key");
    if (key && !key->empty()) {
        if (key->size() != kAesKeyLength) {
            fail("encoding_aes_key", "must be 43 characters, got " + std::to_string(key->size()));
        } else if (!std::all_of(key->begin(), key->end(), is_alnum)) {
            fail("encoding_aes_key", "must contain only A-Z, a-z and 0-9");
        }
        channel.encoding_aes_key = *key;
    } else if (key && kind && *kind != ChannelKind::Mp) {
        fail("encoding_aes_key", "must be 43 characters, got 0");
    } else if (!fields.encoding_aes_key.present && kind && *kind != ChannelKind::Mp) {
        fail("encoding_aes_key",
             "is required for kind " + std::string(to_string(*kind)) + or_env("encoding_aes_key"));
    }

    const auto receive_id = string(fields.receive_id, "receive_id");
    const bool needs_id =
        kind == ChannelKind::WeCom || (kind == ChannelKind::Mp && key && !key->empty());
    const std::string why =
        kind == ChannelKind::WeCom ? "for kind wecom" : "when encoding_aes_key is set";
    if (receive_id && kind == ChannelKind::AiBot && !receive_id->empty()) {
        fail("receive_id", "must be absent or \"\": the AI bot's receive id is always empty");
    } else if (receive_id && needs_id && receive_id->empty()) {
        fail("receive_id", "must not be empty " + why);
    } else if (receive_id &&
               !std::all_of(receive_id->begin(), receive_id->end(), is_visible_ascii)) {
        fail("receive_id", "must be printable ASCII without whitespace");
    } else if (!fields.receive_id.present && needs_id) {
        fail("receive_id", "is required " + why);
    }
    if (receive_id && kind != ChannelKind::AiBot) channel.receive_id = *receive_id;

    if (auto secret = string(fields.secret, "secret")) channel.secret = *secret;
    return channel;
}

std::string env_variable(const std::string& name, std::string_view field) {
    return valid_name(name) ? env_prefix(name) + env_part(field) : std::string();
}

std::vector<EnvOverride> env_overrides(const std::string& name, const EnvLookup& env) {
    std::vector<EnvOverride> overrides;
    if (!env || !valid_name(name)) return overrides;
    for (const char* field : kEnvFields) {
        const std::string variable = env_variable(name, field);
        std::optional<std::string> value = env(variable);
        if (!value || value->empty()) continue;
        overrides.push_back(EnvOverride{field, variable, std::move(*value)});
    }
    return overrides;
}

}  // namespace groupdesk::config::details
