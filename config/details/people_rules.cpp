// People and API credential rules: user id lists, bot names, api_tokens and their overrides.
#include "config/details/people_rules.h"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

namespace groupdesk::config::details {
namespace {

constexpr std::size_t kMinTokenLength = 32;   // ~190 bits from a password generator's alphabet
constexpr std::size_t kMaxTokenLength = 256;  // only bounds input
constexpr std::size_t kMaxNameLength = 63;    // part of an environment variable name
constexpr const char* kTokenEnvPrefix = "GROUPDESK_API_TOKEN_";

bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }
bool is_visible_ascii(char c) { return c > 0x20 && c < 0x7f; }

bool valid_token_name(std::string_view s) {
    if (s.empty() || s.size() > kMaxNameLength) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::optional<ApiToken::Role> parse_role(std::string_view s) {
    if (s == "agent") return ApiToken::Role::Agent;
    if (s == "admin") return ApiToken::Role::Admin;
    return std::nullopt;
}

using Json = nlohmann::ordered_json;

StringField string_field(const Json& obj, const char* key) {
    StringField f;
    f.present = obj.contains(key);
    if (f.present && obj[key].is_string()) f.value = obj[key].get<std::string>();
    return f;
}

std::string join(const std::string& path, std::string_view key) {
    if (path.empty()) return std::string(key);
    std::string out = path;
    out += '.';
    out += key;
    return out;
}

// obj[key] as a list of names, checked.
std::vector<std::string> name_list(const Json& obj, const char* key, const std::string& path,
                                   std::vector<Problem>& problems) {
    StringList list;
    list.present = obj.contains(key);
    list.array = list.present && obj[key].is_array();
    if (list.array) {
        for (const Json& item : obj[key]) {
            list.items.push_back(item.is_string() ? std::optional(item.get<std::string>())
                                                  : std::nullopt);
        }
    }
    return check_name_list(list, join(path, key), problems);
}

}  // namespace

void apply_token_overrides(Json& root, const EnvLookup& env,
                           std::map<std::string, std::string>& origins) {
    if (!root.is_object() || !root.contains("api_tokens") || !root["api_tokens"].is_array()) return;
    Json& tokens = root["api_tokens"];
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        Json& token = tokens[i];
        if (!token.is_object() || !token.contains("name") || !token["name"].is_string()) continue;
        if (auto o = token_env_override(token["name"].get<std::string>(), env)) {
            token["token"] = std::move(o->value);
            origins["api_tokens[" + std::to_string(i) + "].token"] = std::move(o->variable);
        }
    }
}

void read_people(const Json& root, Config& config, std::vector<Problem>& problems) {
    config.agents = name_list(root, "agents", "", problems);
    config.admins = name_list(root, "admins", "", problems);
    if (!root.contains("api_tokens")) return;
    const Json& tokens = root["api_tokens"];
    if (!tokens.is_array()) {
        problems.push_back(Problem{"api_tokens", "must be an array"});
        return;
    }
    TokenChecker checker(config.channels);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string path = "api_tokens[" + std::to_string(i) + "]";
        const Json& obj = tokens[i];
        if (!obj.is_object()) {
            problems.push_back(Problem{path, "must be an object"});
            continue;
        }
        for (const auto& [key, value] : obj.items()) {
            if (key != "name" && key != "token" && key != "role") {
                problems.push_back(Problem{join(path, key), "unknown key"});
            }
        }
        const TokenFields fields{string_field(obj, "name"), string_field(obj, "token"),
                                 string_field(obj, "role")};
        config.api_tokens.push_back(checker.check(fields, path, problems));
    }
}

void read_channel_people(const Json& obj, const std::string& path, Channel& channel,
                         std::vector<Problem>& problems) {
    channel.agents = name_list(obj, "agents", path, problems);
    const bool known_kind = obj.contains("kind") && obj["kind"].is_string() &&
                            obj["kind"].get<std::string>() == to_string(channel.kind);
    if (obj.contains("bot_names") && known_kind && channel.kind != ChannelKind::AiBot) {
        // Only the AI bot sees its own mention in the text; other kinds never use these names.
        problems.push_back(Problem{path + ".bot_names", "is only for an aibot channel"});
    } else {
        channel.bot_names = name_list(obj, "bot_names", path, problems);
    }
}

std::vector<std::string> check_name_list(const StringList& list, const std::string& path,
                                         std::vector<Problem>& problems) {
    std::vector<std::string> names;
    if (!list.present) return names;
    if (!list.array) {
        problems.push_back(Problem{path, "must be an array of strings"});
        return names;
    }
    std::map<std::string, std::string> seen;  // name → path of its first entry
    for (std::size_t i = 0; i < list.items.size(); ++i) {
        const std::string at = path + "[" + std::to_string(i) + "]";
        const auto& item = list.items[i];
        if (!item) {
            problems.push_back(Problem{at, "must be a string"});
        } else if (item->empty()) {
            problems.push_back(Problem{at, "must not be empty"});
        } else if (std::any_of(item->begin(), item->end(), is_control)) {
            problems.push_back(Problem{at, "must not contain control characters"});
        } else if (const auto [it, fresh] = seen.emplace(*item, at); !fresh) {
            problems.push_back(Problem{at, quote(*item) + " is already listed at " + it->second});
        } else {
            names.push_back(*item);
        }
    }
    return names;
}

std::string token_variable(const std::string& name) {
    return valid_token_name(name) ? kTokenEnvPrefix + env_part(name) : std::string();
}

std::optional<EnvOverride> token_env_override(const std::string& name, const EnvLookup& env) {
    const std::string variable = token_variable(name);
    if (!env || variable.empty()) return std::nullopt;
    std::optional<std::string> value = env(variable);
    if (!value || value->empty()) return std::nullopt;
    return EnvOverride{"token", variable, std::move(*value)};
}

TokenChecker::TokenChecker(const std::vector<Channel>& channels) {
    for (std::size_t i = 0; i < channels.size(); ++i) {
        for (const char* field : kEnvFields) {
            const std::string variable = env_variable(channels[i].name, field);
            const std::string path = "channels[" + std::to_string(i) + "]." + field;
            if (!variable.empty()) channel_variables_.emplace(variable, path);
        }
    }
}

ApiToken TokenChecker::check(const TokenFields& fields, const std::string& path,
                             std::vector<Problem>& problems) {
    auto fail = [&](const char* key, std::string message) {
        problems.push_back(Problem{path + "." + key, std::move(message)});
    };
    auto string = [&](const StringField& field, const char* key) {
        if (field.present && !field.value) fail(key, "must be a string");
        return field.value;
    };
    ApiToken result;

    const auto name = string(fields.name, "name");
    std::string variable;
    if (!fields.name.present) fail("name", "is required");
    if (name && !valid_token_name(*name)) {
        fail("name", "must match ^[a-z0-9_-]{1,63}$, got " + quote(*name));
    } else if (name) {
        result.name = *name;
        variable = token_variable(*name);
        if (const auto [it, fresh] = names_.emplace(*name, path); !fresh) {
            fail("name", quote(*name) + " is already used by " + it->second);
        } else if (const auto [at, unique] = variables_.emplace(variable, path); !unique) {
            fail("name", quote(*name) + " has the same environment variable " + variable + " as " +
                             at->second);
        } else if (const auto ch = channel_variables_.find(variable);
                   ch != channel_variables_.end()) {
            fail("name", quote(*name) + " gives the environment variable " + variable +
                             ", which is also " + ch->second + "'s");
        }
    }

    // Secret: only its length may appear in a message.
    if (auto token = string(fields.token, "token")) {
        if (token->size() < kMinTokenLength || token->size() > kMaxTokenLength) {
            fail("token", "must be 32 to 256 characters, got " + std::to_string(token->size()));
        } else if (!std::all_of(token->begin(), token->end(), is_visible_ascii)) {
            fail("token", "must be printable ASCII without whitespace");
        } else if (const auto [it, fresh] = tokens_.emplace(*token, path); !fresh) {
            // Two names for one secret would make the actor of a change ambiguous.
            fail("token", "is the same as " + it->second + ".token");
        }
        result.token = std::move(*token);
    } else if (!fields.token.present) {
        fail("token",
             "is required" + (variable.empty() ? "" : " (in the file or as " + variable + ")"));
    }

    if (auto role = string(fields.role, "role")) {
        if (const auto parsed = parse_role(*role)) {
            result.role = *parsed;
        } else {
            fail("role", "must be one of agent, admin, got " + quote(*role));
        }
    }
    return result;
}

}  // namespace groupdesk::config::details
