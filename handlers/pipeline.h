// Pipeline: runs handlers in order until one replies, stops or asks for a retry.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "handlers/handler.h"

namespace groupdesk::handlers {

struct PipelineResult {
    Outcome outcome;
    std::string_view decided_by;  // name() of the handler that ended the chain; "" when all passed
};

class Pipeline {
public:
    // The order of add() calls is behaviour: bot/app.cpp writes it once, with a reason per line.
    void add(std::unique_ptr<Handler> handler);

    // Sets ctx.source_key, runs the chain, then on_complete() of every handler that passed.
    // Thread-safe as long as the handlers are (they are shared by all request threads).
    PipelineResult run(const wecom::InboundMessage& msg, Context& ctx) const;

private:
    std::vector<std::unique_ptr<Handler>> handlers_;
};

}  // namespace groupdesk::handlers
