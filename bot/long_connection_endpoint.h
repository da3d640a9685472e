// LongConnectionEndpoint: what the callback endpoint is for HTTP, for an AI bot's long
// connection. A message or event frame runs through the same handler pipeline on the callback
// workers; its effects are made durable, and only then is the answer written back on the socket
// with the frame's req_id (aibot_respond_msg / _welcome_msg / _update_msg). A chat's first
// message is recorded as a known chat, the condition for pushing into it later.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <utility>

#include "bot/aibot_connection.h"
#include "bot/metrics.h"
#include "common/clock.h"
#include "config/config.h"
#include "handlers/effects.h"
#include "handlers/pipeline.h"
#include "tickets/known_chat_store.h"
#include "wecom/aibot_frames.h"

namespace groupdesk::bot {

class WorkQueue;

class LongConnectionEndpoint {
public:
    // Everything passed in outlives the endpoint.
    LongConnectionEndpoint(const config::Channel& channel, const handlers::Pipeline& pipeline,
                           tickets::KnownChatStore& known_chats, const Clock& clock,
                           Metrics& metrics, WorkQueue& workers,
                           handlers::WriteGroup write_group = {});

    // A message or event frame from the connection (on its thread: queues the work and returns).
    void handle(wecom::AiBotFrame frame, FrameSender& sender);

    const config::Channel& channel() const { return channel_; }

private:
    void run(const std::string& req_id, const wecom::InboundMessage& message, FrameSender& sender,
             std::chrono::steady_clock::time_point started);
    // The write that records the message's chat as known, unless it is known already.
    void remember_chat(const wecom::InboundMessage& message, handlers::Context& ctx);

    const config::Channel& channel_;
    const handlers::Pipeline& pipeline_;
    tickets::KnownChatStore& known_chats_;
    const Clock& clock_;
    Metrics& metrics_;
    WorkQueue& workers_;
    handlers::WriteGroup write_group_;  // one frame's durable writes as one unit
    std::atomic<std::uint64_t> next_request_id_{1};
    std::mutex known_mutex_;
    std::set<std::string, std::less<>> known_;  // chats recorded durably by this process
};

}  // namespace groupdesk::bot
