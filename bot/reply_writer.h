// Turns a pipeline outcome into the HTTP answer the platform expects for the channel kind:
// encrypted XML or JSON envelopes, plaintext XML in Official Account plaintext mode, or the
// "nothing to say" answer (empty body; "success" for Official Accounts).
#pragma once

#include "bot/callback_verifier.h"
#include "common/http_types.h"
#include "config/config.h"
#include "handlers/handler.h"
#include "wecom/crypto.h"
#include "wecom/message.h"

namespace groupdesk::bot {

// The answer when nothing is to be said.
HttpResponse no_reply_answer(config::ChannelKind kind);

// The answer carrying `reply` to `msg`. `now` is the reply's CreateTime (seconds).
HttpResponse reply_answer(const wecom::Reply& reply, const wecom::InboundMessage& msg,
                          const OpenedCallback& request, const wecom::MsgCrypt* crypt,
                          std::int64_t now);

// Whether the platform takes a passive reply to this message at all (the AI bot answers events
// other than enter_chat with nothing).
bool accepts_passive_reply(const wecom::InboundMessage& msg);

}  // namespace groupdesk::bot
