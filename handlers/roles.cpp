// Roles: the config's people lists as sets, looked up per message.
#include "handlers/roles.h"

namespace groupdesk::handlers {

Roles::Roles(const config::Config& config)
    : admins_(config.admins.begin(), config.admins.end()),
      agents_(config.agents.begin(), config.agents.end()) {
    for (const auto& channel : config.channels) {
        channel_agents_[channel.name].insert(channel.agents.begin(), channel.agents.end());
    }
}

tickets::ActorRole Roles::role_of(std::string_view channel, std::string_view user) const {
    if (user.empty()) return tickets::ActorRole::Customer;
    if (admins_.contains(user)) return tickets::ActorRole::Admin;
    if (agents_.contains(user)) return tickets::ActorRole::Agent;
    const auto it = channel_agents_.find(channel);
    if (it != channel_agents_.end() && it->second.contains(user)) return tickets::ActorRole::Agent;
    return tickets::ActorRole::Customer;
}

}  // namespace groupdesk::handlers
