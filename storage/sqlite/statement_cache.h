// StatementCache: the prepared statements of one connection, prepared once and reused by SQL text.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace groupdesk::storage::sqlite {

// Belongs to one connection and is used by one thread at a time, like the connection.
class StatementCache {
public:
    explicit StatementCache(SQLite::Database& conn);
    ~StatementCache();
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    // The statement for `sql`, reset and with no bindings: a previous user that threw midway
    // leaves nothing behind. Throws SQLite::Exception when `sql` does not prepare.
    SQLite::Statement& get(std::string_view sql);

    // Resets every statement, which ends a reader's snapshot (an idle reader must not pin an old
    // one: it would keep checkpoints from shrinking the WAL).
    void reset_all();

private:
    SQLite::Database& conn_;
    // Looked up by string_view, without copying the SQL text on every hand-out.
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const {
            return std::hash<std::string_view>{}(text);
        }
    };
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>, TextHash, std::equal_to<>>
        statements_;
};

}  // namespace groupdesk::storage::sqlite
