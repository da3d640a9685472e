// Platform, outbox and per-channel sending rules: API bases, timeouts, retries, agent_id and
// group webhook keys.
#include "config/details/platform_rules.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace groupdesk::config::details {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kMaxWebhookKey = 128;  // real keys are 36 (a UUID); only bounds input
constexpr std::size_t kMaxChatId = 128;

std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// The object at root[key] with its keys checked, or nullptr when absent or not an object.
const Json* section(const Json& root, const char* key,
                    std::initializer_list<std::string_view> allowed,
                    std::vector<Problem>& problems) {
    if (!root.contains(key)) return nullptr;
    const Json& value = root[key];
    if (!value.is_object()) {
        problems.push_back(Problem{key, "must be an object"});
        return nullptr;
    }
    for (const auto& [name, unused] : value.items()) {
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            problems.push_back(Problem{join(key, name), "unknown key"});
        }
    }
    return &value;
}

// obj[key] when present, an integer and within [min, max], handed to `set`.
void integer(const Json* obj, const std::string& path, const char* key, std::int64_t min,
             std::int64_t max, std::vector<Problem>& problems,
             const std::function<void(std::int64_t)>& set) {
    if (obj == nullptr || !obj->contains(key)) return;
    const Json& v = (*obj)[key];
    const std::string at = join(path, key);
    if (!v.is_number_integer()) return problems.push_back(Problem{at, "must be an integer"});
    const bool too_big = v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(max);
    if (too_big || v.get<std::int64_t>() < min || v.get<std::int64_t>() > max) {
        return problems.push_back(Problem{at, "must be between " + std::to_string(min) + " and " +
                                                  std::to_string(max) + ", got " + v.dump()});
    }
    set(v.get<std::int64_t>());
}

void base_url(const Json* obj, const char* key, std::string& out, std::vector<Problem>& problems) {
    if (obj == nullptr || !obj->contains(key)) return;
    const Json& v = (*obj)[key];
    const std::string at = join("platform", key);
    if (!v.is_string()) return problems.push_back(Problem{at, "must be a string"});
    const std::string url = v.get<std::string>();
    if (!valid_base_url(url)) {
        return problems.push_back(Problem{
            at, "must be an http:// or https:// URL without a trailing slash, got " + quote(url)});
    }
    out = url;
}

bool kind_is(const Json& obj, const Channel& channel) {
    return obj.contains("kind") && obj["kind"].is_string() &&
           obj["kind"].get<std::string>() == to_string(channel.kind);
}

}  // namespace

bool valid_webhook_key(const std::string& key) {
    if (key.empty() || key.size() > kMaxWebhookKey) return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-';
    });
}

bool valid_chat_id(const std::string& id) {
    if (id.empty() || id.size() > kMaxChatId) return false;
    return std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// What follows "<scheme>://" when `url` starts with one of `schemes` and a host follows (no
// empty rest, no leading '/'); nullopt otherwise.
std::optional<std::string_view> after_scheme(std::string_view url,
                                             std::initializer_list<std::string_view> schemes) {
    for (std::string_view scheme : schemes) {
        if (!url.starts_with(scheme) || !url.substr(scheme.size()).starts_with("://")) continue;
        const std::string_view rest = url.substr(scheme.size() + 3);
        if (rest.empty() || rest.front() == '/') return std::nullopt;
        return rest;
    }
    return std::nullopt;
}

bool printable(std::string_view text) {
    return std::none_of(text.begin(), text.end(),
                        [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

// A base the API paths are appended to: ASCII, and nothing that would change their meaning.
bool plain_base(std::string_view rest) {
    return std::none_of(rest.begin(), rest.end(), [](char c) {
        return c <= 0x20 || c == 0x7f || c == '?' || c == '#' || c == '@' || c == '\\';
    });
}

bool valid_base_url(const std::string& url) {
    const auto rest = after_scheme(url, {"https", "http"});
    return rest && rest->back() != '/' && plain_base(*rest);
}

bool valid_ws_url(const std::string& url) {
    const auto rest = after_scheme(url, {"wss", "ws"});
    return rest && plain_base(*rest);
}

bool valid_link_url(const std::string& url) {
    const auto rest = after_scheme(url, {"https", "http"});
    return rest && printable(*rest);
}

void read_platform(const Json& root, Config& config, std::vector<Problem>& problems) {
    using std::chrono::milliseconds;
    const Json* platform = section(
        root, "platform",
        {"wecom_api_base", "mp_api_base", "connect_timeout_ms", "request_timeout_ms",
         "aibot_ws_url", "aibot_ping_interval_ms", "aibot_reconnect_initial_ms",
         "aibot_reconnect_max_ms", "aibot_ack_timeout_ms"},
        problems);
    base_url(platform, "wecom_api_base", config.platform.wecom_api_base, problems);
    base_url(platform, "mp_api_base", config.platform.mp_api_base, problems);
    integer(platform, "platform", "connect_timeout_ms", 1, 60000, problems,
            [&](auto v) { config.platform.connect_timeout = milliseconds(v); });
    integer(platform, "platform", "request_timeout_ms", 1, 300000, problems,
            [&](auto v) { config.platform.request_timeout = milliseconds(v); });
    // The total bounds the whole call, connecting included; a longer connect wait never applies.
    if (config.platform.connect_timeout > config.platform.request_timeout) {
        problems.push_back(Problem{"platform.connect_timeout_ms",
                                   "must be at most platform.request_timeout_ms (" +
                                       std::to_string(config.platform.request_timeout.count()) +
                                       "), got " +
                                       std::to_string(config.platform.connect_timeout.count())});
    }

    if (platform != nullptr && platform->contains("aibot_ws_url")) {
        const Json& v = (*platform)["aibot_ws_url"];
        if (!v.is_string() || !valid_ws_url(v.get<std::string>())) {
            problems.push_back(Problem{"platform.aibot_ws_url",
                                       "must be a wss:// (or, for tests, ws://) URL, got " +
                                           (v.is_string() ? quote(v.get<std::string>()) : v.dump())});
        } else {
            config.platform.aibot_ws_url = v.get<std::string>();
        }
    }
    integer(platform, "platform", "aibot_ping_interval_ms", 100, 300000, problems,
            [&](auto v) { config.platform.aibot_ping_interval = milliseconds(v); });
    integer(platform, "platform", "aibot_reconnect_initial_ms", 10, 3600000, problems,
            [&](auto v) { config.platform.aibot_reconnect_initial = milliseconds(v); });
    integer(platform, "platform", "aibot_reconnect_max_ms", 10, 3600000, problems,
            [&](auto v) { config.platform.aibot_reconnect_max = milliseconds(v); });
    integer(platform, "platform", "aibot_ack_timeout_ms", 10, 300000, problems,
            [&](auto v) { config.platform.aibot_ack_timeout = milliseconds(v); });
    if (config.platform.aibot_reconnect_initial > config.platform.aibot_reconnect_max) {
        problems.push_back(Problem{"platform.aibot_reconnect_initial_ms",
                                   "must be at most platform.aibot_reconnect_max_ms"});
    }

    const Json* outbox = section(
        root, "outbox", {"retry_initial_ms", "retry_max_ms", "give_up_after_hours", "rate_limits"},
        problems);
    integer(outbox, "outbox", "retry_initial_ms", 1, 3600000, problems,
            [&](auto v) { config.outbox.retry_initial = milliseconds(v); });
    integer(outbox, "outbox", "retry_max_ms", 1, 86400000, problems,
            [&](auto v) { config.outbox.retry_max = milliseconds(v); });
    if (config.outbox.retry_initial > config.outbox.retry_max) {
        problems.push_back(Problem{"outbox.retry_initial_ms",
                                   "must be at most outbox.retry_max_ms (" +
                                       std::to_string(config.outbox.retry_max.count()) + "), got " +
                                       std::to_string(config.outbox.retry_initial.count())});
    }
    integer(outbox, "outbox", "give_up_after_hours", 1, 720, problems,
            [&](auto v) { config.outbox.give_up_after = std::chrono::hours(v); });
    if (outbox != nullptr && outbox->contains("rate_limits")) {
        const Json& v = (*outbox)["rate_limits"];
        if (!v.is_boolean()) {
            problems.push_back(Problem{"outbox.rate_limits", "must be true or false"});
        } else {
            config.outbox.rate_limits = v.get<bool>();
        }
    }
}

void read_keywords(const Json& root, Config& config, std::vector<Problem>& problems) {
    const Json* keywords = section(
        root, "keywords", {"time_zone", "flood_interval_s", "default_reply_interval_s"}, problems);
    if (keywords != nullptr && keywords->contains("time_zone")) {
        const Json& v = (*keywords)["time_zone"];
        const bool ok = v.is_string() && !v.get<std::string>().empty() &&
                        v.get<std::string>().size() <= 64 &&
                        std::all_of(v.get<std::string>().begin(), v.get<std::string>().end(),
                                    [](char c) {
                                        return std::isalnum(static_cast<unsigned char>(c)) ||
                                               c == '/' || c == '_' || c == '-' || c == '+';
                                    });
        if (!ok) {
            problems.push_back(Problem{"keywords.time_zone",
                                       "must be a time zone name like \"Asia/Shanghai\""});
        } else {
            config.keywords.time_zone = v.get<std::string>();
        }
    }
    integer(keywords, "keywords", "flood_interval_s", 0, 86400, problems,
            [&](auto v) { config.keywords.flood_interval = std::chrono::seconds(v); });
    integer(keywords, "keywords", "default_reply_interval_s", 0, 604800, problems,
            [&](auto v) { config.keywords.default_reply_interval = std::chrono::seconds(v); });
}

void read_channel_platform(const Json& obj, const std::string& path, Channel& channel,
                           std::vector<Problem>& problems) {
    // When the kind itself is wrong, its own error says so; the fields are not judged by it.
    const bool known_kind = kind_is(obj, channel);
    if (obj.contains("agent_id")) {
        if (known_kind && channel.kind != ChannelKind::WeCom) {
            problems.push_back(Problem{path + ".agent_id", "is only for a wecom channel"});
        } else {
            integer(&obj, path, "agent_id", 1, 2147483647, problems,
                    [&](auto v) { channel.agent_id = v; });
        }
    }
    if (!obj.contains("group_webhooks")) return;
    const std::string at = path + ".group_webhooks";
    if (known_kind && channel.kind != ChannelKind::AiBot) {
        return problems.push_back(Problem{at, "is only for an aibot channel"});
    }
    const Json& webhooks = obj["group_webhooks"];
    if (!webhooks.is_object()) {
        return problems.push_back(Problem{at, "must be an object of chat id to webhook key"});
    }
    for (const auto& [chat, key] : webhooks.items()) {
        if (!valid_chat_id(chat)) {
            problems.push_back(Problem{at,
                                       "chat id must be 1 to 128 printable ASCII characters "
                                       "without spaces, got " +
                                           quote(chat)});
            continue;
        }
        std::string field = at;
        field.append(".").append(chat);
        if (!key.is_string()) {
            problems.push_back(Problem{field, "must be a string"});
        } else if (const auto value = key.get<std::string>(); !valid_webhook_key(value)) {
            problems.push_back(Problem{field,
                                       "must be 1 to 128 characters from A-Z a-z 0-9 and "
                                       "-, got " +
                                           std::to_string(value.size()) + " characters"});
        } else {
            channel.group_webhooks.emplace(chat, value);
        }
    }
}

}  // namespace groupdesk::config::details
