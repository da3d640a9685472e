// Roles: who is an agent or an admin, from the config, for the chat commands.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "config/config.h"
#include "tickets/ticket.h"

namespace groupdesk::handlers {

class Roles {
public:
    explicit Roles(const config::Config& config);

    // Admin when listed in `admins`; agent when listed in `agents` or in the channel's own
    // `agents`; a customer otherwise.
    tickets::ActorRole role_of(std::string_view channel, std::string_view user) const;

private:
    std::set<std::string, std::less<>> admins_;
    std::set<std::string, std::less<>> agents_;
    std::map<std::string, std::set<std::string, std::less<>>, std::less<>> channel_agents_;
};

}  // namespace groupdesk::handlers
