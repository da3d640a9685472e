// SqliteTicketStore: the production TicketStore. Changes are jobs on the database's shared writer
// (group commit); lookups and lists run on its pool of read-only connections.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/sqlite/database.h"
#include "tickets/ticket_store.h"

namespace groupdesk::storage::sqlite {

class WriteContext;

// Times are kept to the second (unix seconds). TicketQuery::text: 3+ characters use the FTS5
// trigram index, plus a LIKE scan of the tickets not indexed yet (index_pending); shorter ones
// (trigrams need three) scan with LIKE over title, description and comment notes, newest first:
// quick when the page fills early, a full scan (~0.1 s on 100,000 tickets) for a rare word or a
// total.
class SqliteTicketStore final : public tickets::TicketStore {
public:
    // `db` must outlive the store. Reads MAX(number) to seed reserve_number(): the file lock
    // guarantees no other process hands out numbers for this file.
    [[nodiscard]] static Result<std::unique_ptr<SqliteTicketStore>> open(Database& db);

    // Waits until this store's queued changes are committed (their jobs refer to the store).
    ~SqliteTicketStore() override;
    SqliteTicketStore(const SqliteTicketStore&) = delete;
    SqliteTicketStore& operator=(const SqliteTicketStore&) = delete;

    Result<std::int64_t> reserve_number() override;
    Result<std::optional<tickets::Ticket>> find(std::int64_t number) override;
    Result<std::vector<tickets::TicketEvent>> events(std::int64_t number) override;
    Result<tickets::TicketPage> list(const tickets::TicketQuery& query) override;
    Result<std::optional<tickets::CommandRecord>> find_command(
        std::string_view source_key) override;

    // One job on the writer; `done` runs on the writer thread after the commit.
    void apply(tickets::TicketChange change, tickets::ApplyDone done) override;

    // What apply() does, inside a job the caller runs: for a job that writes a change together
    // with other rows, and for bulk loads (many changes in one job). Same errors as apply(); an
    // error must be returned from the job so its savepoint rolls back what was written.
    [[nodiscard]] Status apply_in(WriteContext& w, const tickets::TicketChange& change);

    // Adds up to `limit` new tickets to the full-text index (oldest first) in one writer job and
    // returns how many. Run it every second or so: a search scans the tickets still waiting, so
    // their number bounds the cost of a search, not its result.
    [[nodiscard]] Result<std::size_t> index_pending(std::size_t limit);

private:
    explicit SqliteTicketStore(Database& db, std::int64_t max_number)
        : db_(db), last_number_(max_number) {}
    // Keeps reserve_number() above a number stored by a Create that did not come from it.
    void raise_last_number(std::int64_t number);

    Database& db_;
    std::atomic<std::int64_t> last_number_;
};

}  // namespace groupdesk::storage::sqlite
