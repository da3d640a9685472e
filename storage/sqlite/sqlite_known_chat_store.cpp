// SqliteKnownChatStore: the known_chats table's two statements.
#include "storage/sqlite/sqlite_known_chat_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <stdexcept>
#include <utility>

#include "common/clock.h"
#include "storage/sqlite/lookup.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/writer.h"

namespace groupdesk::storage::sqlite {

namespace {

// The first record stays: a chat's kind cannot change, and first_seen_at is when it first wrote.
constexpr const char* kRememberSql =
    "INSERT OR IGNORE INTO known_chats (channel, chat, kind, first_seen_at) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr const char* kFindSql = "SELECT kind FROM known_chats WHERE channel = ?1 AND chat = ?2";

}  // namespace

Result<std::unique_ptr<SqliteKnownChatStore>> SqliteKnownChatStore::open(Database& db) {
    return std::unique_ptr<SqliteKnownChatStore>(new SqliteKnownChatStore(db));
}

SqliteKnownChatStore::~SqliteKnownChatStore() {
    // Jobs run in order: once this empty one is committed, every queued record is.
    if (!db_.writer().on_writer_thread()) {
        (void)db_.writer().run_status([](WriteContext&) { return ok_status(); });
    }
}

void SqliteKnownChatStore::remember(std::string channel, std::string chat, tickets::GroupKind kind,
                                    tickets::time_point at, Done done) {
    db_.writer().submit(
        [channel = std::move(channel), chat = std::move(chat), kind = tickets::to_string(kind),
         at = to_unix_seconds(at)](WriteContext& w) -> Status {
            auto& insert = w.statement(kRememberSql);
            insert.bindNoCopy(1, channel);  // the job outlives the statement's use of them
            insert.bindNoCopy(2, chat);
            insert.bind(3, std::string(kind));
            insert.bind(4, static_cast<std::int64_t>(at));
            insert.exec();
            return ok_status();
        },
        std::move(done));
}

Result<std::optional<tickets::GroupKind>> SqliteKnownChatStore::find(std::string_view channel,
                                                                     std::string_view chat) {
    const std::string ch(channel);
    const std::string id(chat);
    return lookup<std::optional<tickets::GroupKind>>(
        db_, "known chat lookup", [&](ReaderPool::Lease& lease) {
            auto& select = lease.statement(kFindSql);
            select.bindNoCopy(1, ch);
            select.bindNoCopy(2, id);
            std::optional<tickets::GroupKind> kind;
            if (select.executeStep()) {
                const std::string stored = select.getColumn(0).getString();
                kind = tickets::parse_group_kind(stored);
                // The CHECK constraint admits only the two words: another means a damaged file.
                if (!kind) throw std::runtime_error("stored chat kind '" + stored + "'");
            }
            return kind;
        });
}

}  // namespace groupdesk::storage::sqlite
