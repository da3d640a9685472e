// AiBotPush: the AI bot's own push into a chat (aibot_send_msg), which only a long connection
// can make (wecom-protocol.md §10.4). The outbox worker calls it; bot/ implements it over the
// channel's connection.
#pragma once

#include <string_view>

#include "common/result.h"
#include "config/config.h"
#include "wecom/api_client.h"

namespace groupdesk::wecom {

class AiBotPush {
public:
    virtual ~AiBotPush() = default;

    // Pushes `message` into `chat_id` of `channel` and waits for the platform's ack (at most the
    // configured ack timeout). Errors, as ApiClient's:
    // - NotFound: nothing can reach the chat: it has never written to the bot (the
    //   platform only lets a bot push where it has been spoken to), or the channel has no long
    //   connection. Not worth retrying.
    // - Unavailable: the connection is down, the ack did not come in time, or a retryable
    //   errcode; `detail` is the errcode, 0 for the transport.
    // - anything else: a permanent errcode, in `detail`.
    [[nodiscard]] virtual Status push(const config::Channel& channel, std::string_view chat_id,
                                      const OutboundMessage& message) = 0;
};

}  // namespace groupdesk::wecom
