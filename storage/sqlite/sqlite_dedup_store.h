// SqliteDedupStore: the production DedupStore. Records go through the database's shared writer
// (group commit); lookups run on its pool of read-only connections.
#pragma once

#include <atomic>
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
    // `db` must outlive the store. The writer's health settings are DatabaseOptions::writer.
    [[nodiscard]] static Result<std::unique_ptr<SqliteDedupStore>> open(Database& db);

    // close(): nothing recorded is dropped.
    ~SqliteDedupStore() override;
    SqliteDedupStore(const SqliteDedupStore&) = delete;
    SqliteDedupStore& operator=(const SqliteDedupStore&) = delete;

    Result<std::optional<std::string>> find(std::string_view key) override;

    // A job for the writer, which takes everything queued (from every store) into one IMMEDIATE
    // transaction and one fsync, then calls each `done` on its own thread: ok, or Unavailable if
    // the record or the commit failed (also when the database file was deleted or replaced:
    // nothing is written to a moved file). A `done` must not block for long: the next commit
    // waits for it.
    void record(std::string key, std::string answer, time_point at,
                handlers::DurableDone done) override;

    // A synchronous job on the writer: blocks the caller until committed.
    Result<std::size_t> expire_before(time_point cutoff, std::size_t limit) override;

    // Waits until this store's queued records are committed; later records and sweeps get
    // Unavailable, find() keeps working. The database's writer goes on for other stores.
    // Idempotent.
    void close();

    // The writer's health (see Writer::health), or Unavailable once this store is closed. Never
    // waits on the disk, so /healthz may call it from an I/O thread.
    [[nodiscard]] Status health() const;

    // The writer's successful commits so far: fewer than records means records shared a commit.
    std::uint64_t commits() const;

private:
    explicit SqliteDedupStore(Database& db) : db_(db) {}
    Database& db_;
    std::atomic<bool> closed_{false};
};

}  // namespace groupdesk::storage::sqlite
