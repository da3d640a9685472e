// The REST API's JSON of reply-window conversations (tickets/reply_window_service.h): what agents
// need to decide whom to answer first. The JSON library stays in the .cpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tickets/reply_window_service.h"

namespace groupdesk::api::details {

// One conversation as seen at `now` (seconds_left and open depend on it).
std::string conversation_body(const tickets::ConversationView& view, tickets::time_point now);
// {"conversations": [...], "next_after": "…"}; next_after only when another page may follow.
std::string conversations_body(const tickets::ConversationPage& page, tickets::time_point now);

}  // namespace groupdesk::api::details
