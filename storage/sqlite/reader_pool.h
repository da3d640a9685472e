// ReaderPool: read-only connections to the database, lent to one thread at a time for lookups.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace groupdesk::storage::sqlite {

class Database;
class StatementCache;

// WAL lets these read while the writer writes, so a slow fsync never blocks a lookup. Shared by
// every store; each connection keeps its own prepared statements.
class ReaderPool {
public:
    struct Reader;

    // One borrowed connection; goes back to the pool when the lease ends, unless discard()ed.
    class Lease {
    public:
        Lease(ReaderPool& pool, std::unique_ptr<Reader> reader);
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        ~Lease();

        // Reset, with no bindings; throws SQLite::Exception.
        SQLite::Statement& statement(std::string_view sql);
        SQLite::Database& connection();
        // After a failure: the connection is closed rather than reused.
        void discard();

    private:
        ReaderPool* pool_;
        std::unique_ptr<Reader> reader_;
    };

    // Idle connections kept for reuse: about one per request thread. A burst of more concurrent
    // lookups opens extra connections that are closed afterwards.
    explicit ReaderPool(const Database& db, std::size_t max_idle = 64);
    ~ReaderPool();
    ReaderPool(const ReaderPool&) = delete;
    ReaderPool& operator=(const ReaderPool&) = delete;

    // An idle connection, or a new one. Unavailable when none can be opened.
    [[nodiscard]] Result<Lease> take();

private:
    void give_back(std::unique_ptr<Reader> reader);

    const Database& db_;
    const std::size_t max_idle_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Reader>> idle_;
};

}  // namespace groupdesk::storage::sqlite
