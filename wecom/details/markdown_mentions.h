// Mentions in markdown, which has no mention list: the one rule for every markdown the platform
// is sent (group robot, response_url, long-connection push).
#pragma once

#include <string>

#include "wecom/api_client.h"

namespace groupdesk::wecom::details {

// The message's content with each mention appended as <@userid>, on a line of their own.
std::string markdown_with_mentions(const OutboundMessage& message);

}  // namespace groupdesk::wecom::details
