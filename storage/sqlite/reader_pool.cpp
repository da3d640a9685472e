// ReaderPool: lending read-only connections and taking them back with their snapshots ended.
#include "storage/sqlite/reader_pool.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <exception>
#include <utility>

#include "storage/sqlite/database.h"
#include "storage/sqlite/statement_cache.h"

namespace groupdesk::storage::sqlite {

struct ReaderPool::Reader {
    explicit Reader(std::unique_ptr<SQLite::Database> c) : conn(std::move(c)), statements(*conn) {}
    std::unique_ptr<SQLite::Database> conn;  // declared first: the statements die before it
    StatementCache statements;
};

ReaderPool::Lease::Lease(ReaderPool& pool, std::unique_ptr<Reader> reader)
    : pool_(&pool), reader_(std::move(reader)) {}

ReaderPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), reader_(std::move(other.reader_)) {}

ReaderPool::Lease::~Lease() {
    if (reader_) pool_->give_back(std::move(reader_));
}

SQLite::Statement& ReaderPool::Lease::statement(std::string_view sql) {
    return reader_->statements.get(sql);
}

SQLite::Database& ReaderPool::Lease::connection() { return *reader_->conn; }

void ReaderPool::Lease::discard() { reader_.reset(); }

ReaderPool::ReaderPool(const Database& db, std::size_t max_idle) : db_(db), max_idle_(max_idle) {}

ReaderPool::~ReaderPool() = default;

Result<ReaderPool::Lease> ReaderPool::take() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto reader = std::move(idle_.back());
            idle_.pop_back();
            return Lease(*this, std::move(reader));
        }
    }
    auto conn = db_.connect(Database::Access::ReadOnly);
    if (!conn) return std::move(conn).error();
    return Lease(*this, std::make_unique<Reader>(std::move(*conn)));
}

void ReaderPool::give_back(std::unique_ptr<Reader> reader) {
    // Ends the read transaction, so an idle reader never pins an old snapshot.
    reader->statements.reset_all();
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_) idle_.push_back(std::move(reader));
}

}  // namespace groupdesk::storage::sqlite
