// ResponseUrlRecorder: one upsert per AI-bot callback, in the answer's group commit.
#include "handlers/response_url_recorder.h"

#include <utility>

#include "handlers/ticket_commit.h"

namespace groupdesk::handlers {

Outcome ResponseUrlRecorder::handle(const wecom::InboundMessage& /*msg*/, Context& /*ctx*/) {
    return Outcome::pass();
}

void ResponseUrlRecorder::on_complete(const wecom::InboundMessage& msg, const Outcome& final,
                                      Context& ctx) {
    // A callback the platform will send again records its URL then.
    if (final.kind() == Outcome::Kind::RetryLater) return;
    if (msg.kind != config::ChannelKind::AiBot || msg.response_url.empty()) return;
    // The chat id in a group, the sender in a single chat: the conversation tickets belong to.
    const std::string conversation = conversation_of(msg, ctx.channel).group;
    if (conversation.empty()) return;
    ctx.before_answer.emplace_back([store = &store_, channel = ctx.channel.name, conversation,
                                    url = msg.response_url, at = ctx.now](DurableDone done) {
        store->record(channel, conversation, url, at, std::move(done));
    });
}

}  // namespace groupdesk::handlers
