// SqliteKnownChatStore: the production KnownChatStore. Each chat that writes to an AI bot is one
// INSERT OR IGNORE on the shared writer (group commit); find() reads on the reader pool.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "storage/sqlite/database.h"
#include "tickets/known_chat_store.h"

namespace groupdesk::storage::sqlite {

// Times are kept to the second. Rows are never expired: as far as the platform documents it, a
// chat that has written to the bot stays one the bot may push into.
class SqliteKnownChatStore final : public tickets::KnownChatStore {
public:
    // `db` must outlive the store.
    [[nodiscard]] static Result<std::unique_ptr<SqliteKnownChatStore>> open(Database& db);

    // Waits until this store's queued records are committed, so what it was given is durable
    // before the database may be closed.
    ~SqliteKnownChatStore() override;
    SqliteKnownChatStore(const SqliteKnownChatStore&) = delete;
    SqliteKnownChatStore& operator=(const SqliteKnownChatStore&) = delete;

    // `done` runs on the writer thread after the commit.
    void remember(std::string channel, std::string chat, tickets::GroupKind kind,
                  tickets::time_point at, Done done) override;
    Result<std::optional<tickets::GroupKind>> find(std::string_view channel,
                                                   std::string_view chat) override;

private:
    explicit SqliteKnownChatStore(Database& db) : db_(db) {}
    Database& db_;
};

}  // namespace groupdesk::storage::sqlite
