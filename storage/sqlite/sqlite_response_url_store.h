// SqliteResponseUrlStore: the production ResponseUrlStore. Each AI-bot callback's URL is one
// upsert on the shared writer (group commit); take() is one writer job that hands a URL out once.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/sqlite/database.h"
#include "tickets/response_url_store.h"

namespace groupdesk::storage::sqlite {

// Times are kept to the second. record() keeps the URL received latest: an older one arriving
// late does not replace it, and recording the URL a row holds already (a platform retry of the
// same callback) leaves it used if it was. take() counts a URL received at `not_before` as fresh
// enough.
class SqliteResponseUrlStore final : public tickets::ResponseUrlStore {
public:
    // `db` must outlive the store.
    [[nodiscard]] static Result<std::unique_ptr<SqliteResponseUrlStore>> open(Database& db);

    // Waits until this store's queued records are committed, so what it was given is durable
    // before the database may be closed.
    ~SqliteResponseUrlStore() override;
    SqliteResponseUrlStore(const SqliteResponseUrlStore&) = delete;
    SqliteResponseUrlStore& operator=(const SqliteResponseUrlStore&) = delete;

    // `done` runs on the writer thread after the commit.
    void record(std::string channel, std::string conversation, std::string url,
                tickets::time_point at, Done done) override;
    // One UPDATE ... RETURNING on the writer: the check and the mark cannot be split by another
    // take(), and the URL is handed out only once its mark is durable.
    Result<std::optional<std::string>> take(std::string_view channel, std::string_view conversation,
                                            tickets::time_point not_before) override;
    Result<std::size_t> expire_before(tickets::time_point cutoff, std::size_t limit) override;

private:
    explicit SqliteResponseUrlStore(Database& db) : db_(db) {}
    Database& db_;
};

}  // namespace groupdesk::storage::sqlite
