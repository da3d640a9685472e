// The rules for talking to the platforms: where their APIs are and how long a call may take
// (platform), how the outbox retries (outbox), and a channel's sending identity (agent_id,
// group_webhooks). config_loader.cpp hands over the parsed document.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/details/channel_rules.h"

namespace groupdesk::config::details {

// The top-level "platform" and "outbox" sections of `root` into `config`.
void read_platform(const nlohmann::ordered_json& root, Config& config,
                   std::vector<Problem>& problems);

// The keywords section: time zone, flood and default-reply intervals.
void read_keywords(const nlohmann::ordered_json& root, Config& config,
                   std::vector<Problem>& problems);

// A channel object's agent_id (wecom only) and group_webhooks (aibot only). Webhook keys are
// secrets: a message names the chat id, never the key.
void read_channel_platform(const nlohmann::ordered_json& obj, const std::string& path,
                           Channel& channel, std::vector<Problem>& problems);

// A group robot's webhook key: 1..128 characters from A-Z a-z 0-9 and '-'.
bool valid_webhook_key(const std::string& key);
// A WeCom chat id: 1..128 printable ASCII characters without spaces.
bool valid_chat_id(const std::string& id);

// An http:// or https:// base URL with a host and nothing after it: no trailing slash, query,
// fragment, space or control character, since API paths are appended to it as they are.
bool valid_base_url(const std::string& url);
// ws://host[:port][/path] or wss://…: the AI bot's long-connection URL.
bool valid_ws_url(const std::string& url);
// An http:// or https:// link with a host, path and query allowed: printable, no space.
bool valid_link_url(const std::string& url);

}  // namespace groupdesk::config::details
