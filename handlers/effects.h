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

// Calls `start` at once, on the calling thread, so that the writes it starts there are made
// durable as one: all of them or none (the SQLite backend: one savepoint of the group commit).
using WriteGroup = std::function<void(const std::function<void()>& start)>;

// Starts every write in `writes` and calls `then` once, on the thread of the last report, when
// all have reported: with the first failure's message, or nullopt when all are durable. With no
// writes, `then` runs at once on the calling thread. With a `group`, the writes are started
// inside it: a failure of one leaves none of them durable, so the platform's retry does them all.
void when_durable(std::vector<DurableWrite>& writes,
                  std::function<void(std::optional<std::string> failure)> then,
                  const WriteGroup& group = {});

}  // namespace groupdesk::handlers
