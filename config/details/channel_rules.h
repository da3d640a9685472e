// The rules for the channels of a config, on plain values: each field's checks (several depend on
// the channel's kind), unique names and environment prefixes, and the environment overrides.
// config_loader.cpp walks the JSON and hands each channel's fields here.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/config_loader.h"

namespace groupdesk::config::details {

// A string as a JSON literal: quoted and escaped, so control characters cannot garble a message.
// Used only for values that are not secrets.
std::string quote(const std::string& s);

// One key of a channel object as the file (after environment overrides) has it.
struct StringField {
    bool present = false;              // the key is in the object
    std::optional<std::string> value;  // its value, when that is a string
};

struct ChannelFields {
    StringField name;
    StringField kind;
    StringField token;
    StringField encoding_aes_key;
    StringField receive_id;
    StringField secret;
    StringField transport;
    StringField bot_id;
};

struct Problem {
    std::string path;     // "channels[1].token"
    std::string message;  // "must be 1 to 128 characters, got 0"
};

// Checks the channels of one document in order, so that a name can be compared with the names
// of the channels before it.
class ChannelChecker {
public:
    // The channel at `path` ("channels[i]"); its problems are appended to `problems` in field
    // order. Secret values never appear in a message, only their length.
    Channel check(const ChannelFields& fields, const std::string& path,
                  std::vector<Problem>& problems);

private:
    std::map<std::string, std::string> names_;     // name → path of the channel that has it
    std::map<std::string, std::string> prefixes_;  // env prefix → path of the channel that has it
};

// A secret field set from GROUPDESK_<CHANNEL>_<FIELD>.
struct EnvOverride {
    std::string field;     // "token", "encoding_aes_key" or "secret"
    std::string variable;  // "GROUPDESK_CORP_APP_TOKEN"
    std::string value;
};

// Upper case, '-' → '_': "corp-app" → "CORP_APP"; the part of a variable name a name gives.
std::string env_part(std::string_view s);

// The secret fields a channel may take from the environment, in the order they are read.
inline constexpr const char* kEnvFields[] = {"token", "encoding_aes_key", "secret"};

// The variable that overrides `field` of the channel called `name` ("corp-app", "token" →
// "GROUPDESK_CORP_APP_TOKEN"); "" when the name is not valid.
std::string env_variable(const std::string& name, std::string_view field);

// The overrides `env` holds for the channel called `name`, in field order; none when the name is
// not valid. An empty variable counts as unset.
std::vector<EnvOverride> env_overrides(const std::string& name, const EnvLookup& env);

}  // namespace groupdesk::config::details
