// What a message says to the assistant, as every handler that reads text needs it: the text of
// a text or mixed message, without the bot's leading @-mention, and only when a group message
// is addressed to the bot at its front.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"
#include "wecom/message.h"

namespace groupdesk::handlers {

// An AI-bot group chat (the conversation is the chat); any other message is a user's own.
bool in_group(const wecom::InboundMessage& msg);

// The text of a text message, or the text parts of a mixed one, a line each; nullopt for other
// bodies.
std::optional<std::string> message_text(const wecom::MessageBody& body);

// `msg`'s text after the mention(s) of the bot in a group (`channel`'s bot_names), or after any
// leading mention elsewhere; nullopt when it has no text, or a group message does not mention
// the bot at its front.
std::optional<std::string> addressed_text(const wecom::InboundMessage& msg,
                                          const config::Channel& channel);

}  // namespace groupdesk::handlers
