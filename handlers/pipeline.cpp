// Pipeline: the chain loop and the on_complete pass over the handlers that let the message through.
#include "handlers/pipeline.h"

#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "handlers/dedup.h"

namespace groupdesk::handlers {

void Pipeline::add(std::unique_ptr<Handler> handler) {
    // A null handler is a wiring bug in bot/app.cpp: fail at startup, not on the first message.
    if (!handler) std::abort();
    handlers_.push_back(std::move(handler));
}

PipelineResult Pipeline::run(const wecom::InboundMessage& msg, Context& ctx) const {
    ctx.source_key = dedup_key(ctx.channel.name, msg);
    std::optional<Outcome> decided;
    std::string_view decided_by;
    std::size_t passed = 0;
    for (; passed < handlers_.size(); ++passed) {
        Handler& handler = *handlers_[passed];
        // A throwing handler must still let the earlier ones complete (dedup releases its claim
        // there), so it becomes a retry, like the 500 the session would otherwise answer.
        std::optional<Outcome> outcome;
        try {
            outcome.emplace(handler.handle(msg, ctx));
        } catch (const std::exception& e) {
            outcome.emplace(
                Outcome::retry_later(std::string(handler.name()) + " threw: " + e.what()));
        } catch (...) {
            outcome.emplace(Outcome::retry_later(std::string(handler.name()) + " threw"));
        }
        if (outcome->kind() != Outcome::Kind::Pass) {
            decided = std::move(outcome);
            decided_by = handler.name();
            break;
        }
    }

    Outcome final = decided ? std::move(*decided) : Outcome::pass();
    for (std::size_t i = 0; i < passed; ++i) {
        handlers_[i]->on_complete(msg, final, ctx);
    }
    return PipelineResult{std::move(final), decided_by};
}

}  // namespace groupdesk::handlers
