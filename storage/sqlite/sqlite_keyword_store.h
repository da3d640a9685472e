// SqliteKeywordStore: the production KeywordStore. apply() is one job on the database's shared
// writer (its savepoint makes the batch all or nothing); load() and history() read on the reader
// pool, which sees committed rules only.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/result.h"
#include "keywords/keyword_store.h"
#include "storage/sqlite/database.h"

namespace groupdesk::storage::sqlite {

class WriteContext;

// Times are kept to the second (unix seconds). A deleted rule keeps its row, marked deleted, so
// its id is never reused; its origin is free again for a new rule. Readings of the contract:
// - Create ignores the id and version it is given; created_* and updated_* are the change's actor
//   and time. A non-empty origin a live rule holds already is AlreadyExists (so is an Update that
//   moves a rule onto another live rule's origin).
// - Update keeps the stored created_*, sets updated_* from the change.
// - Delete returns the rule as it was stored; its history row has version + 1 and no `after`.
// - An Update or Delete of a deleted rule is NotFound, like an id never used.
class SqliteKeywordStore final : public keywords::KeywordStore {
public:
    // `db` must outlive the store.
    [[nodiscard]] static Result<std::unique_ptr<SqliteKeywordStore>> open(Database& db);

    // Waits until this store's queued hits are committed, so what it was given is durable before
    // the database may be closed.
    ~SqliteKeywordStore() override;
    SqliteKeywordStore(const SqliteKeywordStore&) = delete;
    SqliteKeywordStore& operator=(const SqliteKeywordStore&) = delete;

    Result<std::vector<keywords::Rule>> load() override;
    // Waits for the commit: the rules it returns are durable.
    Result<std::vector<keywords::Rule>> apply(
        const std::vector<keywords::RuleChange>& changes) override;
    Result<std::vector<keywords::RuleVersion>> history(std::int64_t rule_id) override;
    // `done` runs on the writer thread after the commit.
    void record_hit(keywords::Hit hit, Done done) override;

private:
    explicit SqliteKeywordStore(Database& db) : db_(db) {}
    Database& db_;
};

}  // namespace groupdesk::storage::sqlite
