// SqliteResponseUrlStore: the response_urls table's three statements, each one writer job.
#include "storage/sqlite/sqlite_response_url_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "common/clock.h"
#include "storage/sqlite/writer.h"

namespace groupdesk::storage::sqlite {

namespace {

// The newer callback wins; the same URL again keeps its `used` mark, so a retried callback
// cannot make a spent URL look fresh.
constexpr const char* kRecordSql =
    "INSERT INTO response_urls (channel, conversation, url, received_at, used) "
    "VALUES (?1, ?2, ?3, ?4, 0) ON CONFLICT (channel, conversation) DO UPDATE SET "
    "used = CASE WHEN url = excluded.url THEN used ELSE 0 END, url = excluded.url, "
    "received_at = excluded.received_at WHERE excluded.received_at >= received_at";
constexpr const char* kTakeSql =
    "UPDATE response_urls SET used = 1 WHERE channel = ?1 AND conversation = ?2 AND used = 0 "
    "AND received_at >= ?3 RETURNING url";
// Oldest first, through the received_at index; DELETE ... LIMIT is not compiled into Debian's
// SQLite.
constexpr const char* kExpireSql =
    "DELETE FROM response_urls WHERE rowid IN (SELECT rowid FROM response_urls "
    "WHERE received_at < ?1 ORDER BY received_at LIMIT ?2)";

}  // namespace

Result<std::unique_ptr<SqliteResponseUrlStore>> SqliteResponseUrlStore::open(Database& db) {
    return std::unique_ptr<SqliteResponseUrlStore>(new SqliteResponseUrlStore(db));
}

SqliteResponseUrlStore::~SqliteResponseUrlStore() {
    // Jobs run in order: once this empty one is committed, every queued record is.
    if (!db_.writer().on_writer_thread()) {
        (void)db_.writer().run_status([](WriteContext&) { return ok_status(); });
    }
}

void SqliteResponseUrlStore::record(std::string channel, std::string conversation, std::string url,
                                    tickets::time_point at, Done done) {
    db_.writer().submit(
        [channel = std::move(channel), conversation = std::move(conversation), url = std::move(url),
         at = to_unix_seconds(at)](WriteContext& w) -> Status {
            auto& upsert = w.statement(kRecordSql);
            upsert.bindNoCopy(1, channel);  // the job outlives the statement's use of them
            upsert.bindNoCopy(2, conversation);
            upsert.bindNoCopy(3, url);
            upsert.bind(4, static_cast<std::int64_t>(at));
            upsert.exec();
            return ok_status();
        },
        std::move(done));
}

Result<std::optional<std::string>> SqliteResponseUrlStore::take(std::string_view channel,
                                                                std::string_view conversation,
                                                                tickets::time_point not_before) {
    const std::string ch(channel);
    const std::string conv(conversation);
    const std::int64_t since = to_unix_seconds(not_before);
    return db_.writer().run<std::optional<std::string>>(
        [&](WriteContext& w) -> Result<std::optional<std::string>> {
            auto& take = w.statement(kTakeSql);
            take.bindNoCopy(1, ch);
            take.bindNoCopy(2, conv);
            take.bind(3, since);
            std::optional<std::string> url;
            if (take.executeStep()) url = take.getColumn(0).getString();
            take.reset();  // the UPDATE is done at the first step; end it before the savepoint
            return url;
        });
}

Result<std::size_t> SqliteResponseUrlStore::expire_before(tickets::time_point cutoff,
                                                          std::size_t limit) {
    if (limit == 0) return std::size_t{0};
    const std::int64_t cutoff_s = to_unix_seconds(cutoff);
    const auto rows = static_cast<std::int64_t>(std::min<std::size_t>(limit, 1'000'000));
    return db_.writer().run<std::size_t>([&](WriteContext& w) -> Result<std::size_t> {
        auto& expire = w.statement(kExpireSql);
        expire.bind(1, cutoff_s);
        expire.bind(2, rows);
        return static_cast<std::size_t>(expire.exec());
    });
}

}  // namespace groupdesk::storage::sqlite
