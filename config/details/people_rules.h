// The rules for people and API credentials: user id lists (agents, admins, a channel's agents), an
// AI bot's own names, and the api_tokens with their environment overrides. config_loader.cpp
// hands over the parsed document; the checks themselves work on plain values.
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_loader.h"
#include "config/details/channel_rules.h"

namespace groupdesk::config::details {

// GROUPDESK_API_TOKEN_<NAME> fills or replaces api_tokens[i].token before validation, like the
// channel secrets; `origins` gets "api_tokens[i].token" → the variable, for messages.
void apply_token_overrides(nlohmann::ordered_json& root, const EnvLookup& env,
                           std::map<std::string, std::string>& origins);

// The top-level agents, admins and api_tokens of `root` into `config`, whose channels are read
// already (a token's variable must not be a channel's).
void read_people(const nlohmann::ordered_json& root, Config& config,
                 std::vector<Problem>& problems);

// A channel object's agents and bot_names (the latter for an aibot channel only).
void read_channel_people(const nlohmann::ordered_json& obj, const std::string& path,
                         Channel& channel, std::vector<Problem>& problems);

// An array of strings as the file has it.
struct StringList {
    bool present = false;                           // the key is in the object
    bool array = false;                             // its value is an array
    std::vector<std::optional<std::string>> items;  // each element, when it is a string
};

// A list of user ids or display names at `path` ("agents", "channels[2].bot_names"): strings,
// not empty, without control characters, each listed once. Returns the good entries.
std::vector<std::string> check_name_list(const StringList& list, const std::string& path,
                                         std::vector<Problem>& problems);

// One object of api_tokens as the file (after environment overrides) has it.
struct TokenFields {
    StringField name;
    StringField token;
    StringField role;
};

// Checks the api_tokens of one document in order, so that names and tokens can be compared with
// those before them. Token values never appear in a message, only their length.
class TokenChecker {
public:
    // The environment variables of `channels` are noted, so that a token whose variable is also
    // a channel's is refused instead of silently sharing that secret.
    explicit TokenChecker(const std::vector<Channel>& channels);

    ApiToken check(const TokenFields& fields, const std::string& path,
                   std::vector<Problem>& problems);

private:
    std::map<std::string, std::string> channel_variables_;  // variable → "channels[i].field"
    std::map<std::string, std::string> names_;              // name → path of its token
    std::map<std::string, std::string> variables_;          // env variable → path of its token
    std::map<std::string, std::string> tokens_;             // secret value → path; never printed
};

// "ops-console" → "GROUPDESK_API_TOKEN_OPS_CONSOLE"; "" when the name is not valid.
std::string token_variable(const std::string& name);

// The value of the token's variable, when set and not empty.
std::optional<EnvOverride> token_env_override(const std::string& name, const EnvLookup& env);

}  // namespace groupdesk::config::details
