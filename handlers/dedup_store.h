// DedupStore: durable memory of which callbacks were answered, and with what. Implementers keep
// it safe to call from many request threads at once; storage/sqlite/ has the production one.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "handlers/handler.h"

namespace groupdesk::handlers {

class DedupStore {
public:
    using time_point = std::chrono::system_clock::time_point;
    virtual ~DedupStore() = default;

    // The answer recorded for `key`, nullopt when none. Unavailable when storage fails.
    virtual Result<std::optional<std::string>> find(std::string_view key) = 0;

    // Records key → answer (a second record of the same key keeps the first). `done` runs once,
    // on any thread, when the record is durable or could not be made so. Implementations batch
    // many records per commit; `done` must not be called before the commit.
    virtual void record(std::string key, std::string answer, time_point at, DurableDone done) = 0;

    // Deletes at most `limit` records made before `cutoff`; returns how many went. Small batches
    // keep a sweep from stalling callbacks.
    virtual Result<std::size_t> expire_before(time_point cutoff, std::size_t limit) = 0;
};

}  // namespace groupdesk::handlers
