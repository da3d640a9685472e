// Announcer: the notifications that tell a ticket's conversation about a change made somewhere
// else — over REST, or by an agent's command in another group. A change made by a command in the
// ticket's own conversation is confirmed there by the command's reply and announces nothing.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "tickets/actor.h"
#include "tickets/notification.h"
#include "tickets/ticket_store.h"

namespace groupdesk::tickets {

// Size limits in bytes (wecom-protocol.md §7, §11): markdown 4096 (group robot), text 2048
// (group robot, app message; the Official Account's is larger, 2048 keeps one rule).
inline constexpr std::size_t kMaxMarkdownBytes = 4096;
inline constexpr std::size_t kMaxPlainTextBytes = 2048;

class Announcer {
public:
    // Routes come from the config: a channel's kind, and the AI-bot chats with a webhook.
    explicit Announcer(const config::Config& config);

    // The rows announcing `change` (planned, not yet applied), made by `actor` from `where`
    // (null: not from a chat). Empty when `where` is the ticket's own conversation.
    std::vector<Notification> announce(const TicketChange& change, const Actor& actor,
                                       const Conversation* where) const;

    // How a conversation is reached: an AI bot's own push on its long connection, else the
    // webhook or response_url of an AI-bot chat; the app or the Official Account for a user;
    // None for a channel that is no longer configured.
    Route route_for(std::string_view channel, GroupKind kind, std::string_view group) const;

private:
    struct ChannelRoutes {
        config::ChannelKind kind = config::ChannelKind::WeCom;
        bool long_connection = false;
        std::set<std::string, std::less<>> webhook_chats;
    };
    std::map<std::string, ChannelRoutes, std::less<>> channels_;
};

// The announcement's text: the ticket, and one line per event of the change (Chinese: the
// groups are Chinese-speaking; the words are those of the chat replies).
std::string announcement_text(const TicketChange& change);

}  // namespace groupdesk::tickets
