// Who makes a change, and the conversation a chat command was written in.
#pragma once

#include <string>

#include "tickets/ticket.h"

namespace groupdesk::tickets {

struct Actor {
    std::string id;  // user id, or the REST token's name
    ActorRole role = ActorRole::Customer;
    bool is_agent() const { return role != ActorRole::Customer; }
};

// The conversation a chat command was written in. A new ticket belongs to it; a customer sees
// only its tickets (any other is "not found"), agents see every ticket. REST callers have none.
struct Conversation {
    std::string channel;
    GroupKind group_kind = GroupKind::Chat;
    std::string group;
};

}  // namespace groupdesk::tickets
