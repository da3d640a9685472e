// SqliteDedupStore: records as jobs on the shared writer, lookups on the reader pool, the
// retention sweep as small synchronous jobs.
#include "storage/sqlite/sqlite_dedup_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <exception>
#include <limits>
#include <utility>

#include "common/clock.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/writer.h"

namespace groupdesk::storage::sqlite {

namespace {

constexpr const char* kInsertSql =
    "INSERT OR IGNORE INTO dedup (key, answer, created_at) VALUES (?1, ?2, ?3)";
constexpr const char* kSelectSql = "SELECT answer FROM dedup WHERE key = ?1";
// Oldest first, through the created_at index; DELETE ... LIMIT is not compiled into Debian's
// SQLite.
constexpr const char* kExpireSql =
    "DELETE FROM dedup WHERE rowid IN "
    "(SELECT rowid FROM dedup WHERE created_at < ?1 ORDER BY created_at LIMIT ?2)";

Error closed_error() { return make_error(ErrorCode::Unavailable, "dedup store is closed"); }

}  // namespace

SqliteDedupStore::~SqliteDedupStore() { close(); }

Result<std::unique_ptr<SqliteDedupStore>> SqliteDedupStore::open(Database& db) {
    return std::unique_ptr<SqliteDedupStore>(new SqliteDedupStore(db));
}

Result<std::optional<std::string>> SqliteDedupStore::find(std::string_view key) {
    auto reader = db_.readers().take();
    if (!reader) return std::move(reader).error();
    const std::string k(key);
    try {
        auto& select = reader->statement(kSelectSql);
        select.bindNoCopy(1, k);
        std::optional<std::string> answer;
        if (select.executeStep()) answer = select.getColumn(0).getString();
        return answer;  // the lease resets the statement, ending the read transaction
    } catch (const std::exception& e) {
        reader->discard();
        int detail = 0;
        if (const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e)) {
            detail = sqlite->getExtendedErrorCode();
        }
        return make_error(ErrorCode::Unavailable, std::string("dedup lookup: ") + e.what(), detail);
    }
}

void SqliteDedupStore::record(std::string key, std::string answer, time_point at,
                              handlers::DurableDone done) {
    if (closed_.load()) {
        done(closed_error());
        return;
    }
    db_.writer().submit(
        [key = std::move(key), answer = std::move(answer),
         at = to_unix_seconds(at)](WriteContext& w) -> Status {
            auto& insert = w.statement(kInsertSql);
            insert.bindNoCopy(1, key);  // the job outlives the statement's use of it
            insert.bindNoCopy(2, answer);
            insert.bind(3, static_cast<std::int64_t>(at));
            insert.exec();
            return ok_status();
        },
        std::move(done));
}

Result<std::size_t> SqliteDedupStore::expire_before(time_point cutoff, std::size_t limit) {
    if (limit == 0) return std::size_t{0};
    if (closed_.load()) return closed_error();
    const std::int64_t cutoff_s = to_unix_seconds(cutoff);
    const auto limit_rows = static_cast<std::int64_t>(
        std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
    return db_.writer().run<std::size_t>([&](WriteContext& w) -> Result<std::size_t> {
        auto& expire = w.statement(kExpireSql);
        expire.bind(1, cutoff_s);
        expire.bind(2, limit_rows);
        return static_cast<std::size_t>(expire.exec());
    });
}

void SqliteDedupStore::close() {
    if (closed_.exchange(true)) return;
    // Jobs run in order: once this empty one is committed, every earlier record is, and its
    // `done` has been called. On the writer thread the queue is committed right after.
    if (!db_.writer().on_writer_thread()) {
        (void)db_.writer().run_status([](WriteContext&) { return ok_status(); });
    }
}

Status SqliteDedupStore::health() const {
    if (closed_.load()) return closed_error();
    return db_.health();
}

std::uint64_t SqliteDedupStore::commits() const { return db_.writer().commits(); }

}  // namespace groupdesk::storage::sqlite
