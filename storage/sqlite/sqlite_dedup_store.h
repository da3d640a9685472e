// SqliteDedupStore: the production DedupStore. Records are group-committed by one writer thread;
// lookups run on a pool of read-only connections, which WAL lets read while the writer writes.
#pragma once

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

// Times are kept to the second (created_at is unix seconds).
class SqliteDedupStore final : public handlers::DedupStore {
public:
    // Opens the writer connection on `db` (which must outlive the store) and starts the writer.
    [[nodiscard]] static Result<std::unique_ptr<SqliteDedupStore>> open(Database& db);

    // close(): nothing recorded is dropped.
    ~SqliteDedupStore() override;
    SqliteDedupStore(const SqliteDedupStore&) = delete;
    SqliteDedupStore& operator=(const SqliteDedupStore&) = delete;

    Result<std::optional<std::string>> find(std::string_view key) override;

    // Queued for the writer, which takes everything queued into one IMMEDIATE transaction and one
    // fsync, then calls each `done` on its own thread: ok, or Unavailable if the commit failed.
    // A `done` must not block for long: the next batch waits for it.
    void record(std::string key, std::string answer, time_point at,
                handlers::DurableDone done) override;

    // Runs on the writer's connection between two commits; blocks the caller until done.
    Result<std::size_t> expire_before(time_point cutoff, std::size_t limit) override;

    // Commits what is queued, then stops the writer. Later records and sweeps get Unavailable;
    // find() keeps working. Idempotent.
    void close();

    // Successful commits so far: fewer than records means records shared a commit.
    std::uint64_t commits() const;

private:
    struct Impl;
    explicit SqliteDedupStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace groupdesk::storage::sqlite
