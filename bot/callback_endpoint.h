// CallbackEndpoint: GET /callback/<name> answers URL verification; POST verifies, decrypts and
// decodes the message on the I/O thread, runs the handler pipeline on a worker, and answers with
// the (encrypted) passive reply once everything the answer depends on is durable — or with a 503
// when that takes longer than the answer deadline.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

#include "bot/http_server.h"
#include "bot/metrics.h"
#include "common/clock.h"
#include "common/http_types.h"
#include "config/config.h"
#include "handlers/effects.h"
#include "handlers/pipeline.h"
#include "wecom/crypto.h"

namespace groupdesk::bot {

class DeadlineTimer;
class PlaintextBinding;
class WorkQueue;
struct OpenedCallback;
namespace details {
class CallbackAnswer;
}

// What every callback endpoint shares; all of it outlives the endpoints.
struct CallbackServices {
    WorkQueue& workers;        // runs everything that may wait on the disk
    DeadlineTimer& deadlines;  // answers a callback stuck past the deadline
    PlaintextBinding& plaintext_binding;
    const config::Callbacks& settings;
    // Makes one callback's durable writes one unit; empty: each write on its own.
    handlers::WriteGroup write_group = {};
};

class CallbackEndpoint {
public:
    // `crypt` is empty only for an mp channel in plaintext mode.
    CallbackEndpoint(const config::Channel& channel, std::optional<wecom::MsgCrypt> crypt,
                     const handlers::Pipeline& pipeline, const Clock& clock, Metrics& metrics,
                     CallbackServices services);

    // Answers through `respond`, possibly later and from another thread.
    void handle(const HttpRequest& request, Respond respond);

    const config::Channel& channel() const { return channel_; }

private:
    void handle_verification(const HttpRequest& request, Respond& respond,
                             std::chrono::steady_clock::time_point started);
    void handle_callback(const HttpRequest& request, Respond& respond,
                         std::chrono::steady_clock::time_point started);
    // On a worker: the plaintext binding, the pipeline, the durable writes, the answer.
    void run_pipeline(const std::shared_ptr<details::CallbackAnswer>& answer,
                      const OpenedCallback& opened, const wecom::InboundMessage& message,
                      const std::string& body);

    const wecom::MsgCrypt* crypt() const { return crypt_ ? &*crypt_ : nullptr; }

    const config::Channel& channel_;
    std::optional<wecom::MsgCrypt> crypt_;
    const handlers::Pipeline& pipeline_;
    const Clock& clock_;
    Metrics& metrics_;
    CallbackServices services_;
    std::atomic<std::uint64_t> next_request_id_{1};
};

}  // namespace groupdesk::bot
