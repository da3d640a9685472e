// CallbackEndpoint: GET /callback/<name> answers URL verification; POST verifies, decrypts and
// decodes the message, runs the handler pipeline, and answers with the (encrypted) passive reply
// once everything the answer depends on is durable.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "bot/http_server.h"
#include "bot/metrics.h"
#include "common/clock.h"
#include "common/http_types.h"
#include "config/config.h"
#include "handlers/pipeline.h"
#include "wecom/crypto.h"

namespace groupdesk::bot {

class CallbackEndpoint {
public:
    // `crypt` is empty only for an mp channel in plaintext mode.
    CallbackEndpoint(const config::Channel& channel, std::optional<wecom::MsgCrypt> crypt,
                     const handlers::Pipeline& pipeline, const Clock& clock, Metrics& metrics);

    // Answers through `respond`, possibly later and from another thread.
    void handle(const HttpRequest& request, Respond respond);

    const config::Channel& channel() const { return channel_; }

private:
    void handle_verification(const HttpRequest& request, Respond& respond,
                             std::chrono::steady_clock::time_point started);
    void handle_callback(const HttpRequest& request, Respond& respond,
                         std::chrono::steady_clock::time_point started);

    const wecom::MsgCrypt* crypt() const { return crypt_ ? &*crypt_ : nullptr; }

    const config::Channel& channel_;
    std::optional<wecom::MsgCrypt> crypt_;
    const handlers::Pipeline& pipeline_;
    const Clock& clock_;
    Metrics& metrics_;
    std::atomic<std::uint64_t> next_request_id_{1};
};

}  // namespace groupdesk::bot
