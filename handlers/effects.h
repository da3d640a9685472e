// Effects: the writes a callback needs durable before the platform is answered (a dedup record,
// a ticket, an outbox row). The endpoint starts each one once the chain has ended and answers when
// all have reported; one failure turns the answer into a 503, and the platform retries.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace groupdesk::handlers {

// Reports whether a write reached durable storage.
using DurableDone = std::function<void(Status)>;
// A write the platform must not be answered before; it calls `done` exactly once, on any thread.
using DurableWrite = std::function<void(DurableDone done)>;

// Starts every write in `writes` and calls `then` once, on the thread of the last report, when
// all have reported: with the first failure's message, or nullopt when all are durable. With no
// writes, `then` runs at once on the calling thread.
void when_durable(std::vector<DurableWrite>& writes,
                  std::function<void(std::optional<std::string> failure)> then);

}  // namespace groupdesk::handlers
