// KnownChatStore: the chats that have written to an AI bot on its long connection. The platform
// lets the bot push (aibot_send_msg) only into a chat that has spoken to it first
// (wecom-protocol.md §10.4), so a push is tried only where a record says so, with the chat's type.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "tickets/ticket.h"

namespace groupdesk::tickets {

// Implementers: remember() is called from any thread and reports through `done` exactly once, on
// any thread, when durable; find() may run on any thread.
class KnownChatStore {
public:
    using Done = std::function<void(Status)>;

    virtual ~KnownChatStore() = default;

    // Records that `chat` of `channel` (a group chat id, kind Chat; or a user id for a single
    // chat, kind User) wrote to the bot at `at`. The first record stays: a later call changes
    // nothing and reports success.
    virtual void remember(std::string channel, std::string chat, GroupKind kind, time_point at,
                          Done done) = 0;
    // The chat's kind when it has written to the bot; nullopt when it never has.
    [[nodiscard]] virtual Result<std::optional<GroupKind>> find(std::string_view channel,
                                                                std::string_view chat) = 0;
};

}  // namespace groupdesk::tickets
