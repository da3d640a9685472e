// SqliteConversationStore: the production ConversationStore. An update() is one job on the shared
// writer (group commit) that edits the conversations rows and inserts its outbox rows; the
// worker's and the API's reads run on the reader pool.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/sqlite/database.h"
#include "tickets/conversation_store.h"

namespace groupdesk::storage::sqlite {

// Times are kept to the second. An edit that throws fails its update with Internal, and nothing
// of that update() is written. A row an edit writes back is stored under the update's key.
class SqliteConversationStore final : public tickets::ConversationStore {
public:
    // `db` must outlive the store.
    [[nodiscard]] static Result<std::unique_ptr<SqliteConversationStore>> open(Database& db);

    // Waits until this store's queued updates are committed, so what it was given is durable
    // before the database may be closed.
    ~SqliteConversationStore() override;
    SqliteConversationStore(const SqliteConversationStore&) = delete;
    SqliteConversationStore& operator=(const SqliteConversationStore&) = delete;

    // `done` runs on the writer thread after the commit.
    void update(std::vector<tickets::ConversationUpdate> updates,
                std::vector<tickets::Notification> notifications, tickets::time_point at,
                std::function<void(Status)> done) override;

    Result<std::optional<tickets::TrackedConversation>> find(
        const tickets::ConversationKey& key) override;
    Result<std::vector<tickets::TrackedConversation>> due(tickets::time_point now,
                                                          std::size_t limit) override;
    Result<std::optional<tickets::time_point>> next_due() override;
    Result<std::vector<tickets::TrackedConversation>> list(
        const tickets::ConversationQuery& query) override;
    Result<std::size_t> count() override;

    // The SQL of due() and next_due(), for tests that check their query plans.
    static std::string_view due_sql();
    static std::string_view next_due_sql();
    // The write of each callback's record, for the test that it builds no temporary B-tree.
    static std::string_view upsert_sql();

private:
    explicit SqliteConversationStore(Database& db) : db_(db) {}
    Database& db_;
};

}  // namespace groupdesk::storage::sqlite
