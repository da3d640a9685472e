// SqliteDedupStore: the production DedupStore. Records are group-committed by one writer thread;
// lookups run on a pool of read-only connections, which WAL lets read while the writer writes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "handlers/dedup_store.h"
#include "storage/sqlite/database.h"

namespace groupdesk::storage::sqlite {

struct SqliteDedupStoreOptions {
    // An idle writer writes the probe row this often, so health() notices a failing disk
    // without waiting for a callback.
    std::chrono::milliseconds probe_interval{5000};
    // A commit or probe running longer than this makes health() report a stall (a frozen or
    // failing disk). Above busy_timeout, so a held lock reports "locked", not a stall.
    std::chrono::milliseconds stall_after{3000};
};

// Times are kept to the second (created_at is unix seconds).
class SqliteDedupStore final : public handlers::DedupStore {
public:
    // Opens the writer connection on `db` (which must outlive the store) and starts the writer.
    [[nodiscard]] static Result<std::unique_ptr<SqliteDedupStore>> open(
        Database& db, SqliteDedupStoreOptions options = {});

    // close(): nothing recorded is dropped.
    ~SqliteDedupStore() override;
    SqliteDedupStore(const SqliteDedupStore&) = delete;
    SqliteDedupStore& operator=(const SqliteDedupStore&) = delete;

    Result<std::optional<std::string>> find(std::string_view key) override;

    // Queued for the writer, which takes everything queued into one IMMEDIATE transaction and one
    // fsync, then calls each `done` on its own thread: ok, or Unavailable if the commit failed
    // (also when the database file was deleted or replaced: nothing is written to a moved file).
    // A `done` must not block for long: the next batch waits for it.
    void record(std::string key, std::string answer, time_point at,
                handlers::DurableDone done) override;

    // Runs on the writer's connection between two commits; blocks the caller until done.
    Result<std::size_t> expire_before(time_point cutoff, std::size_t limit) override;

    // Commits what is queued, then stops the writer. Later records and sweeps get Unavailable;
    // find() keeps working. Idempotent.
    void close();

    // Whether writes work, from the writer's last commit or probe; never waits on the disk, so
    // /healthz may call it from an I/O thread. Unavailable with a short reason when the last
    // write failed (SQLite's message, e.g. "database or disk is full"), the file was deleted or
    // replaced, a write has run longer than stall_after, or the store is closed. Recovers at the
    // next successful commit or probe.
    [[nodiscard]] Status health() const;

    // Successful commits so far: fewer than records means records shared a commit.
    std::uint64_t commits() const;

private:
    struct Impl;
    explicit SqliteDedupStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace groupdesk::storage::sqlite
