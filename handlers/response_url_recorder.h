// ResponseUrlRecorder, right after dedup: keeps each AI-bot conversation's latest response_url,
// durable with the callback's answer, so that news of a ticket can reach that chat later (in
// callback mode a fresh response_url is one of only two ways to; wecom-protocol.md §6, §11).
#pragma once

#include "handlers/handler.h"
#include "tickets/response_url_store.h"

namespace groupdesk::handlers {

class ResponseUrlRecorder final : public Handler {
public:
    explicit ResponseUrlRecorder(tickets::ResponseUrlStore& store) : store_(store) {}

    std::string_view name() const override { return "response_url"; }
    // Always passes; the recording happens once the chain has ended.
    Outcome handle(const wecom::InboundMessage& msg, Context& ctx) override;
    void on_complete(const wecom::InboundMessage& msg, const Outcome& final, Context& ctx) override;

private:
    tickets::ResponseUrlStore& store_;
};

}  // namespace groupdesk::handlers
