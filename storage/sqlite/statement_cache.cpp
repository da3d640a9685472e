// StatementCache: prepare on first use, reset on every hand-out.
#include "storage/sqlite/statement_cache.h"

#include <SQLiteCpp/SQLiteCpp.h>

namespace groupdesk::storage::sqlite {

StatementCache::StatementCache(SQLite::Database& conn) : conn_(conn) {}

// The statements are finalized here, before their connection (which outlives the cache).
StatementCache::~StatementCache() = default;

SQLite::Statement& StatementCache::get(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        auto statement = std::make_unique<SQLite::Statement>(conn_, std::string(sql));
        it = statements_.emplace(std::string(sql), std::move(statement)).first;
        return *it->second;
    }
    it->second->tryReset();
    it->second->clearBindings();
    return *it->second;
}

void StatementCache::reset_all() {
    for (auto& [sql, statement] : statements_) {
        statement->tryReset();
        statement->clearBindings();
    }
}

}  // namespace groupdesk::storage::sqlite
