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

// The AI bot's stream id for the reply to `msg`: stable for a message, so a retried callback
// gets the same reply.
std::string stream_id_for(const wecom::InboundMessage& msg);

// The answer when nothing is to be said.
HttpResponse no_reply_answer(config::ChannelKind kind);

// The answer carrying `reply` to `msg`. `now` is the reply's CreateTime (seconds).
HttpResponse reply_answer(const wecom::Reply& reply, const wecom::InboundMessage& msg,
                          const OpenedCallback& request, const wecom::MsgCrypt* crypt,
                          std::int64_t now);

// Whether the platform takes `reply` as the passive reply to `msg`. XML channels take any reply
// (a card goes as text). The AI bot takes anything to a message or to enter_chat, only a card
// (sent as an update of the clicked one) to template_card_event, and nothing to other events.
bool accepts_passive_reply(const wecom::Reply& reply, const wecom::InboundMessage& msg);

}  // namespace groupdesk::bot
