// AiBotPusher: wecom::AiBotPush over the long connections — a push goes out as aibot_send_msg on
// the channel's connection, only into a chat known to have written to the bot, and waits for
// the platform's ack.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "bot/aibot_connection.h"
#include "tickets/known_chat_store.h"
#include "wecom/aibot_push.h"

namespace groupdesk::bot {

class AiBotPusher final : public wecom::AiBotPush {
public:
    // `ack_timeout` is the connections' own; a push waits a little longer than that for its
    // answer, which the connection always gives. Both references outlive the pusher.
    AiBotPusher(tickets::KnownChatStore& known_chats, std::chrono::milliseconds ack_timeout);

    // Before the first push: the connection of a long-connection channel.
    void add(const std::string& channel, FrameSender& connection);

    [[nodiscard]] Status push(const config::Channel& channel, std::string_view chat_id,
                              const wecom::OutboundMessage& message) override;

private:
    tickets::KnownChatStore& known_chats_;
    const std::chrono::milliseconds wait_;
    std::map<std::string, FrameSender*, std::less<>> connections_;
};

}  // namespace groupdesk::bot
