// Stores: the database and every store built on it, opened in order. Every backend behind them is
// SQLite today; each store is used through its interface, so another backend is another open().
#pragma once

#include <memory>
#include <string>

#include "common/result.h"

namespace groupdesk::storage::sqlite {
class Database;
class SqliteDedupStore;
class SqliteTicketStore;
class SqliteOutboxStore;
class SqliteResponseUrlStore;
class SqliteKnownChatStore;
class SqliteKeywordStore;
class SqliteConversationStore;
}  // namespace groupdesk::storage::sqlite

namespace groupdesk::bot {

struct Stores {
    std::unique_ptr<storage::sqlite::Database> database;
    std::unique_ptr<storage::sqlite::SqliteDedupStore> dedup;
    std::unique_ptr<storage::sqlite::SqliteTicketStore> tickets;
    std::unique_ptr<storage::sqlite::SqliteOutboxStore> outbox;
    std::unique_ptr<storage::sqlite::SqliteResponseUrlStore> response_urls;
    std::unique_ptr<storage::sqlite::SqliteKnownChatStore> known_chats;
    std::unique_ptr<storage::sqlite::SqliteKeywordStore> keywords;
    std::unique_ptr<storage::sqlite::SqliteConversationStore> conversations;

    // Opens (and migrates) the database file at `path` and every store on it.
    [[nodiscard]] static Result<Stores> open(const std::string& path);

    Stores();
    Stores(Stores&&) noexcept;
    Stores& operator=(Stores&&) noexcept;
    ~Stores();  // close() first
    // Commits what is queued and closes the file; the stores refuse writes after it.
    void close();
};

}  // namespace groupdesk::bot
