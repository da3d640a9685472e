// Background upkeep of the database, each on its own clock-driven thread: expiring old dedup
// records, and adding new tickets to the full-text index.
#pragma once

#include <chrono>

#include "common/clock.h"
#include "common/periodic_worker.h"
#include "config/config.h"
#include "handlers/dedup_store.h"

namespace groupdesk::storage::sqlite {
class SqliteTicketStore;
}
namespace groupdesk::tickets {
class ResponseUrlStore;
}

namespace groupdesk::bot {

// Deletes expired dedup records in small batches, so a sweep never holds the writer for long.
// Every sweep_interval by the clock, one interval after the last sweep finished.
class DedupSweeper {
public:
    DedupSweeper(handlers::DedupStore& store, const Clock& clock, const config::Dedup& settings);

private:
    void sweep();

    handlers::DedupStore& store_;
    const Clock& clock_;
    const config::Dedup settings_;
    PeriodicWorker worker_;  // last: its thread starts once everything above exists
};

// Indexes the tickets created since its last run, in batches: one large FTS5 segment a second
// costs far less than a small one in every group commit. Searches scan what is still waiting.
class SearchIndexer {
public:
    static constexpr std::chrono::seconds kInterval{1};

    SearchIndexer(storage::sqlite::SqliteTicketStore& store, const Clock& clock);

private:
    void index();

    storage::sqlite::SqliteTicketStore& store_;
    PeriodicWorker worker_;  // last
};

// Forgets response_urls past their hour (they can no longer be used), every ten minutes.
class ResponseUrlSweeper {
public:
    static constexpr std::chrono::minutes kInterval{10};

    ResponseUrlSweeper(tickets::ResponseUrlStore& store, const Clock& clock);

private:
    void sweep();

    tickets::ResponseUrlStore& store_;
    const Clock& clock_;
    PeriodicWorker worker_;  // last
};

// Gives the heap's freed memory back to the system every 10 s: glibc keeps freed pages in its
// per-thread arenas, so a burst (a 10,000-rule import parses about 1.3 MB of JSON and builds a
// new index while the old one serves) would otherwise stay in the resident size for good.
class MemoryTrimmer {
public:
    static constexpr std::chrono::seconds kInterval{10};

    explicit MemoryTrimmer(const Clock& clock);

private:
    PeriodicWorker worker_;
};

}  // namespace groupdesk::bot
