// The rules for the 48-hour reply window of Official Account conversations: the top-level
// "reply_window" section (where alerts go, when, and the optional nudge to the user) and an mp
// channel's "template_fallback". config_loader.cpp hands over the parsed document.
#pragma once

#include <chrono>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/config_loader.h"
#include "config/details/channel_rules.h"

namespace groupdesk::config::details {

// The variable that may hold reply_window.alerts_to.webhook_key, a secret.
inline constexpr const char* kReplyWindowWebhookVariable = "GROUPDESK_REPLY_WINDOW_WEBHOOK_KEY";

// Sets reply_window.alerts_to.webhook_key from its variable before validation, like the channel
// secrets; `origins` gets the field's path → the variable, for messages. An empty variable
// counts as unset; a section that is not an object is left for its own error.
void apply_reply_window_override(nlohmann::ordered_json& root, const EnvLookup& env,
                                 std::map<std::string, std::string>& origins);

// The top-level reply_window section into `config`, whose channels are read already (the alert
// targets must name them).
void read_reply_window(const nlohmann::ordered_json& root, Config& config,
                       std::vector<Problem>& problems);

// A channel object's template_fallback (mp only).
void read_template_fallback(const nlohmann::ordered_json& obj, const std::string& path,
                            Channel& channel, std::vector<Problem>& problems);

// "90s", "30m", "6h": a non-negative whole number and a unit; nullopt for anything else.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

// The placeholders a template field may use; each stands for a value of the ticket.
inline constexpr std::string_view kTemplatePlaceholders[] = {"ticket",   "title",    "status",
                                                             "priority", "assignee", "text"};

}  // namespace groupdesk::config::details
