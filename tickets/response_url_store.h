// ResponseUrlStore: the latest response_url of each AI-bot conversation. Every AI-bot callback
// carries a one-shot URL valid for an hour (wecom-protocol.md §6); in callback mode it is one of
// the two ways to say something in that chat later (§10.4, §11).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "tickets/ticket.h"

namespace groupdesk::tickets {

// Implementers: record() is called from any thread and reports through `done` exactly once, on
// any thread, when durable; take() may run on any thread and must hand a URL out once only.
class ResponseUrlStore {
public:
    using Done = std::function<void(Status)>;

    virtual ~ResponseUrlStore() = default;

    // Remembers `url` as the conversation's latest (replacing an older one), received at `at`.
    virtual void record(std::string channel, std::string conversation, std::string url,
                        time_point at, Done done) = 0;
    // The conversation's latest URL if it is unused and was received after `not_before`, marked
    // used as it is handed out (a URL takes one call). nullopt otherwise.
    [[nodiscard]] virtual Result<std::optional<std::string>> take(std::string_view channel,
                                                                  std::string_view conversation,
                                                                  time_point not_before) = 0;
    // Forgets URLs received before `cutoff` (they are useless after an hour); returns how many.
    [[nodiscard]] virtual Result<std::size_t> expire_before(time_point cutoff,
                                                            std::size_t limit) = 0;
};

}  // namespace groupdesk::tickets
