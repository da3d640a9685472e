// JSON config → config::Config: env overrides first, then every check, keeping every error.
#include "config/config_loader.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "config/details/channel_rules.h"
#include "config/details/people_rules.h"
#include "config/details/platform_rules.h"
#include "config/details/reply_window_rules.h"

namespace groupdesk::config {
namespace {

// Ordered, so that unknown keys are reported in the order they appear in the file.
using Json = nlohmann::ordered_json;
using details::quote;

std::string join(const std::string& prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

// "line L, column C" of the last character nlohmann read (its `byte` counts characters read, so
// it is one past that character; at the end of the input it points just past the text).
std::string position(std::string_view text, std::size_t byte) {
    const std::string_view before = text.substr(0, byte == 0 ? 0 : std::min(byte - 1, text.size()));
    const std::size_t line_start = before.rfind('\n') + 1;  // npos + 1 == 0 on the first line
    return "line " + std::to_string(std::count(before.begin(), before.end(), '\n') + 1) +
           ", column " + std::to_string(before.size() - line_start + 1);
}

// nlohmann's message without its "[json.exception…] parse error at line…: " head. The
// "; last read: '…'" tail quotes raw input, which may be part of a token, so it is dropped.
std::string short_reason(const std::string& what) {
    std::string reason = what;
    if (const auto head = reason.find("] "); head != std::string::npos) reason.erase(0, head + 2);
    if (const auto at = reason.find(": "); reason.starts_with("parse error") && at != reason.npos) {
        reason.erase(0, at + 2);
    }
    if (const auto tail = reason.find("; last read:"); tail != std::string::npos)
        reason.erase(tail);
    return reason;
}

// nlohmann keeps the last of two equal keys without a word; in a config that is always a mistake
// (a second "token" would silently win), so the parser callback records their paths.
class DuplicateKeys {
public:
    bool on_event(Json::parse_event_t event, const Json& parsed) {
        using Event = Json::parse_event_t;
        if (event == Event::object_start || event == Event::array_start) {
            frames_.push_back(Frame{child_path(), event == Event::array_start, {}, {}, 0});
        } else if (event == Event::object_end || event == Event::array_end) {
            frames_.pop_back();
        } else if (event == Event::value) {
            child_path();  // advances the index of an enclosing array
        } else if (event == Event::key) {
            Frame& f = frames_.back();
            f.key = parsed.get<std::string>();
            if (!f.keys.insert(f.key).second) paths_.push_back(join(f.path, f.key));
        }
        return true;
    }
    const std::vector<std::string>& paths() const { return paths_; }

private:
    struct Frame {
        std::string path;
        bool array;
        std::set<std::string> keys;
        std::string key;
        std::size_t index;
    };
    std::string child_path() {
        if (frames_.empty()) return {};
        Frame& f = frames_.back();
        return f.array ? f.path + "[" + std::to_string(f.index++) + "]" : join(f.path, f.key);
    }
    std::vector<Frame> frames_;
    std::vector<std::string> paths_;
};

// Field path ("channels[0].token") → the environment variable whose value it holds.
using Origins = std::map<std::string, std::string>;

// GROUPDESK_<CHANNEL>_<FIELD> fills or replaces a channel's secret fields before validation, so
// the checks below see the values the server would use. An empty variable counts as unset.
Origins apply_env_overrides(Json& root, const EnvLookup& env) {
    Origins origins;
    if (!env || !root.is_object()) return origins;
    details::apply_token_overrides(root, env, origins);
    details::apply_reply_window_override(root, env, origins);
    if (!root.contains("channels")) return origins;
    Json& channels = root["channels"];
    if (!channels.is_array()) return origins;
    for (std::size_t i = 0; i < channels.size(); ++i) {
        Json& channel = channels[i];
        if (!channel.is_object() || !channel.contains("name")) continue;
        const Json& name = channel["name"];
        if (!name.is_string()) continue;
        for (auto& o : details::env_overrides(name.get<std::string>(), env)) {
            channel[o.field] = std::move(o.value);
            origins["channels[" + std::to_string(i) + "]." + o.field] = std::move(o.variable);
        }
    }
    return origins;
}

class Checker {
public:
    Checker(std::string source, Origins origins)
        : source_(std::move(source)), origins_(std::move(origins)) {}

    void fail(const std::string& path, const std::string& problem) {
        errors_.push_back(source_ + ": " + path + ": " + problem + from(path));
    }
    std::vector<std::string> take_errors() { return std::move(errors_); }

    void check_keys(const Json& obj, const std::string& path,
                    std::initializer_list<std::string_view> allowed) {
        for (const auto& [key, value] : obj.items()) {
            if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
                fail(join(path, key), "unknown key");
            }
        }
    }

    // The object at root[key] with its keys checked, or nullptr when absent or not an object.
    const Json* section(const Json& root, const char* key,
                        std::initializer_list<std::string_view> allowed) {
        if (!root.contains(key)) return nullptr;
        const Json& value = root[key];
        if (!value.is_object()) {
            fail(key, "must be an object");
            return nullptr;
        }
        check_keys(value, key, allowed);
        return &value;
    }

    // Checks obj[key] when present and hands the value to `set`.
    template <class Set>
    void integer(const Json* obj, const char* path, const char* key, std::int64_t min,
                 std::int64_t max, Set set) {
        if (obj == nullptr || !obj->contains(key)) return;
        const Json& v = (*obj)[key];
        if (!v.is_number_integer()) return fail(join(path, key), "must be an integer");
        const bool too_big = v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(max);
        if (too_big || v.get<std::int64_t>() < min || v.get<std::int64_t>() > max) {
            return fail(join(path, key), "must be between " + std::to_string(min) + " and " +
                                             std::to_string(max) + ", got " + v.dump());
        }
        set(v.get<std::int64_t>());
    }

    // obj[key] when it is a string; nullopt (and an error if present with another type) if not.
    std::optional<std::string> string(const Json* obj, const char* key, const std::string& path) {
        if (obj == nullptr || !obj->contains(key)) return std::nullopt;
        if ((*obj)[key].is_string()) return (*obj)[key].get<std::string>();
        fail(join(path, key), "must be a string");
        return std::nullopt;
    }

    void report(const std::vector<details::Problem>& problems) {
        for (const auto& problem : problems) fail(problem.path, problem.message);
    }

    Config read(const Json& root);

private:
    void read_channels(const Json& root, Config& config);
    Channel read_channel(const Json& obj, const std::string& path);

    // Where a value came from the environment, say so: the file alone would not explain it.
    std::string from(const std::string& path) const {
        const auto it = origins_.find(path);
        return it == origins_.end() ? std::string() : " (from " + it->second + ")";
    }

    std::string source_;
    Origins origins_;
    std::vector<std::string> errors_;
    details::ChannelChecker channels_;
};

Config Checker::read(const Json& root) {
    Config c;
    check_keys(root, "",
               {"listen", "database", "http", "callbacks", "dedup", "log", "channels", "agents",
                "admins", "api_tokens", "platform", "outbox", "keywords", "reply_window"});

    const Json* listen = section(root, "listen", {"address", "port", "threads"});
    if (auto address = string(listen, "address", "listen")) {
        in6_addr buffer{};
        if (inet_pton(AF_INET, address->c_str(), &buffer) != 1 &&
            inet_pton(AF_INET6, address->c_str(), &buffer) != 1) {
            fail("listen.address", "must be an IPv4 or IPv6 address, got " + quote(*address));
        }
        c.listen.address = *address;
    }
    integer(listen, "listen", "port", 0, 65535, [&](auto v) { c.listen.port = std::uint16_t(v); });
    integer(listen, "listen", "threads", 0, 256, [&](auto v) { c.listen.threads = unsigned(v); });

    if (auto database = string(&root, "database", "")) {
        if (database->empty()) fail("database", "must not be empty");
        c.database = *database;
    }

    const Json* http =
        section(root, "http",
                {"max_body_bytes", "header_timeout_seconds", "body_timeout_seconds",
                 "idle_timeout_seconds", "max_connections", "max_buffered_body_bytes"});
    using std::chrono::seconds;
    integer(http, "http", "max_body_bytes", 1024, std::int64_t{64} * 1024 * 1024,
            [&](auto v) { c.http.max_body_bytes = std::size_t(v); });
    integer(http, "http", "header_timeout_seconds", 1, 3600,
            [&](auto v) { c.http.header_timeout = seconds(v); });
    integer(http, "http", "body_timeout_seconds", 1, 3600,
            [&](auto v) { c.http.body_timeout = seconds(v); });
    integer(http, "http", "idle_timeout_seconds", 1, 3600,
            [&](auto v) { c.http.idle_timeout = seconds(v); });
    integer(http, "http", "max_connections", 1, 1000000,
            [&](auto v) { c.http.max_connections = std::size_t(v); });
    integer(http, "http", "max_buffered_body_bytes", 1024, 64LL * 1024 * 1024 * 1024,
            [&](auto v) { c.http.max_buffered_body_bytes = std::size_t(v); });
    // Every single body must fit, or a request under max_body_bytes could never be received.
    if (c.http.max_buffered_body_bytes < c.http.max_body_bytes) {
        fail("http.max_buffered_body_bytes", "must be at least http.max_body_bytes (" +
                                                 std::to_string(c.http.max_body_bytes) + "), got " +
                                                 std::to_string(c.http.max_buffered_body_bytes));
    }

    const Json* callbacks =
        section(root, "callbacks", {"timestamp_window_seconds", "answer_deadline_ms"});
    integer(callbacks, "callbacks", "timestamp_window_seconds", 60, 86400,
            [&](auto v) { c.callbacks.timestamp_window = seconds(v); });
    integer(callbacks, "callbacks", "answer_deadline_ms", 100, 4500,
            [&](auto v) { c.callbacks.answer_deadline = std::chrono::milliseconds(v); });

    const Json* dedup = section(root, "dedup", {"retention_hours", "sweep_interval_seconds"});
    integer(dedup, "dedup", "retention_hours", 1, 8760,
            [&](auto v) { c.dedup.retention = std::chrono::hours(v); });
    // A request is accepted while its timestamp is within the window either side of our clock,
    // so one message can arrive up to two windows apart: its record must outlive that, or a
    // replay of it would run the handlers again.
    if (c.dedup.retention <= 2 * c.callbacks.timestamp_window) {
        fail("dedup.retention_hours",
             "must be longer than twice callbacks.timestamp_window_seconds, got " +
                 std::to_string(
                     std::chrono::duration_cast<std::chrono::hours>(c.dedup.retention).count()) +
                 " h against " + std::to_string(c.callbacks.timestamp_window.count()) + " s");
    }
    integer(dedup, "dedup", "sweep_interval_seconds", 1, 86400,
            [&](auto v) { c.dedup.sweep_interval = seconds(v); });

    const Json* log = section(root, "log", {"level"});
    if (auto level = string(log, "level", "log")) {
        static constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error"};
        if (std::find(std::begin(kLevels), std::end(kLevels), *level) == std::end(kLevels)) {
            fail("log.level",
                 "must be one of trace, debug, info, warn, error, got " + quote(*level));
        }
        c.log.level = *level;
    }

    read_channels(root, c);
    std::vector<details::Problem> problems;
    details::read_people(root, c, problems);
    details::read_platform(root, c, problems);
    details::read_keywords(root, c, problems);
    details::read_reply_window(root, c, problems);
    report(problems);
    return c;
}

void Checker::read_channels(const Json& root, Config& config) {
    if (!root.contains("channels")) return fail("channels", "is required");
    const Json& channels = root["channels"];
    if (!channels.is_array()) return fail("channels", "must be an array");
    if (channels.empty()) fail("channels", "at least one channel is required");
    for (std::size_t i = 0; i < channels.size(); ++i) {
        const std::string path = "channels[" + std::to_string(i) + "]";
        if (!channels[i].is_object()) {
            fail(path, "must be an object");
            continue;
        }
        config.channels.push_back(read_channel(channels[i], path));
    }
}

// Reads the channel's fields as they are; judging them is channel_rules' job.
Channel Checker::read_channel(const Json& obj, const std::string& path) {
    check_keys(obj, path,
               {"name", "kind", "token", "encoding_aes_key", "receive_id", "secret",
                "accept_plaintext", "bot_names", "agents", "agent_id", "group_webhooks",
                "ticket_cards", "transport", "bot_id", "template_fallback"});
    auto field = [&obj](const char* key) {
        details::StringField f;
        f.present = obj.contains(key);
        if (f.present && obj[key].is_string()) f.value = obj[key].get<std::string>();
        return f;
    };
    const details::ChannelFields fields{field("name"),       field("kind"),
                                        field("token"),      field("encoding_aes_key"),
                                        field("receive_id"), field("secret"),
                                        field("transport"),  field("bot_id")};
    std::vector<details::Problem> problems;
    Channel channel = channels_.check(fields, path, problems);
    report(problems);
    problems.clear();
    details::read_channel_people(obj, path, channel, problems);
    details::read_channel_platform(obj, path, channel, problems);
    details::read_template_fallback(obj, path, channel, problems);
    report(problems);
    if (obj.contains("accept_plaintext")) {
        const Json& value = obj["accept_plaintext"];
        const std::string field = path + ".accept_plaintext";
        if (!value.is_boolean()) {
            fail(field, "must be true or false");
        } else if (value.get<bool>() && (channel.kind != ChannelKind::Mp || !channel.encrypted())) {
            fail(field, "is only for an mp channel with an encoding_aes_key");
        } else {
            channel.accept_plaintext = value.get<bool>();
        }
    }
    channel.ticket_cards = channel.kind == ChannelKind::AiBot;
    if (obj.contains("ticket_cards")) {
        const Json& value = obj["ticket_cards"];
        const std::string field = path + ".ticket_cards";
        if (!value.is_boolean()) {
            fail(field, "must be true or false");
        } else if (channel.kind != ChannelKind::AiBot) {
            fail(field, "is only for an aibot channel (other kinds cannot show cards)");
        } else {
            channel.ticket_cards = value.get<bool>();
        }
    }
    return channel;
}

LoadResult failure(std::string message) { return LoadResult{std::nullopt, {std::move(message)}}; }

}  // namespace

EnvLookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value == nullptr ? std::nullopt : std::optional<std::string>(value);
    };
}

LoadResult load_config_text(std::string_view json_text, const std::string& source,
                            const EnvLookup& env) {
    try {
        DuplicateKeys duplicates;
        Json root;
        try {
            root = Json::parse(json_text.begin(), json_text.end(),
                               [&duplicates](int, Json::parse_event_t event, Json& parsed) {
                                   return duplicates.on_event(event, parsed);
                               });
        } catch (const Json::parse_error& e) {
            return failure(source + ": " + position(json_text, e.byte) + ": " +
                           short_reason(e.what()));
        }
        if (!root.is_object()) return failure(source + ": top level: must be a JSON object");

        Checker checker(source, apply_env_overrides(root, env));
        for (const auto& path : duplicates.paths()) checker.fail(path, "duplicate key");
        Config config = checker.read(root);
        LoadResult result;
        result.errors = checker.take_errors();
        if (result.errors.empty()) {
            config.source = source;
            result.config = std::move(config);
        }
        return result;
    } catch (const Json::exception& e) {
        // e.g. a number too large for a double; nlohmann gives no position for it.
        return failure(source + ": " + short_reason(e.what()));
    } catch (const std::exception&) {
        return failure(source + ": internal error while reading the configuration");
    }
}

LoadResult load_config_file(const std::string& path, const EnvLookup& env) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file) return failure(path + ": cannot read: " + std::strerror(errno));
    std::string text;
    char buffer[8192];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, n);
    // fopen succeeds on a directory on Linux; the read then fails with EISDIR.
    if (std::ferror(file.get())) return failure(path + ": cannot read: " + std::strerror(errno));
    return load_config_text(text, path, env);
}

}  // namespace groupdesk::config
