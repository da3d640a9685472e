// Database: opening the file (WAL, synchronous=FULL), schema migrations by user_version, and the
// per-store connections. One of the files that know SQLiteCpp.
#include "storage/sqlite/database.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <string_view>
#include <utility>

#include "storage/sqlite/file_lock.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/write_probe.h"
#include "storage/sqlite/writer.h"

namespace groupdesk::storage::sqlite {

namespace {

int latest_version() { return static_cast<int>(schema_steps().size()); }

Error not_writable(const std::string& path, std::string_view why) {
    return make_error(ErrorCode::FailedPrecondition,
                      "open database " + path + ": database file is not writable (" +
                          std::string(why) +
                          "); let GroupDesk's user write the file and its directory",
                      SQLITE_READONLY);
}

Error sqlite_error(const std::string& path, std::string_view what, const SQLite::Exception& e) {
    // Busy and locked clear up by themselves; anything else needs the file or its directory fixed.
    const int primary = e.getErrorCode();
    const ErrorCode code = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
                               ? ErrorCode::Unavailable
                               : ErrorCode::FailedPrecondition;
    return make_error(code, std::string(what) + " " + path + ": " + e.what(),
                      e.getExtendedErrorCode());
}

// Per-connection settings (journal_mode is a property of the file and is set once in open()).
void configure(SQLite::Database& db) {
    // FULL: in WAL mode a commit returns only after the WAL is synced, so a record the platform
    // was answered on survives a power loss; NORMAL would only survive a process crash.
    db.exec("PRAGMA synchronous = FULL");
    db.exec("PRAGMA foreign_keys = ON");
}

int user_version(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

// Applies the missing steps. Each runs in an IMMEDIATE transaction that re-reads the version,
// so two processes opening the same new file do not apply a step twice.
Result<int> migrate(SQLite::Database& db, const std::string& path) {
    for (;;) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        const int version = user_version(db);
        if (version > latest_version()) {
            return make_error(ErrorCode::FailedPrecondition,
                              "database " + path + ": schema version " + std::to_string(version) +
                                  " is newer than this build's " +
                                  std::to_string(latest_version()));
        }
        if (version == latest_version()) {
            // A real write and fsync: a file that cannot take one is refused now, not at the
            // first callback.
            write_probe_row(db, std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
            tx.commit();
            return version;
        }
        db.exec(std::string(schema_steps()[version]));
        // Formatted, not bound: PRAGMA takes no parameters, and this is our own integer.
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
        tx.commit();
    }
}

}  // namespace

struct Database::Impl {
    std::optional<FileLock> lock;  // first: released after every connection below is closed
    std::string path;
    DatabaseOptions options;
    int version = 0;
    std::unique_ptr<ReaderPool> readers;
    std::unique_ptr<Writer> writer;  // last: closed first, committing what is queued
};

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::open(const std::string& path, DatabaseOptions options) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->options = options;
    // Before SQLite touches the file: a second process must not even run the migrations.
    auto lock = FileLock::acquire(path);
    if (!lock) return std::move(lock).error();
    impl->lock.emplace(std::move(*lock));
    try {
        // Used for set-up only; the writer and the readers open their own connections.
        SQLite::Database conn(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                              static_cast<int>(options.busy_timeout.count()));
        // SQLite falls back to read-only when it cannot open the file for writing; every commit
        // would then fail while the server looked healthy.
        if (sqlite3_db_readonly(conn.getHandle(), "main") == 1) {
            return not_writable(path, "SQLite could only open it read-only");
        }
        std::string mode = conn.execAndGet("PRAGMA journal_mode = WAL").getString();
        std::transform(mode.begin(), mode.end(), mode.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (mode != "wal") {
            // e.g. ":memory:": readers on other connections would not see the writes.
            return make_error(
                ErrorCode::FailedPrecondition,
                "open database " + path + ": cannot use WAL (journal_mode " + mode + ")");
        }
        configure(conn);
        auto version = migrate(conn, path);
        if (!version) return std::move(version).error();
        impl->version = *version;
    } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() == SQLITE_READONLY) return not_writable(path, e.what());
        return sqlite_error(path, "open database", e);
    } catch (const std::exception& e) {
        return make_error(ErrorCode::Internal, "open database " + path + ": " + e.what());
    }
    std::unique_ptr<Database> db(new Database(std::move(impl)));
    auto conn = db->connect(Access::ReadWrite);
    if (!conn) return std::move(conn).error();
    auto writer = Writer::start(std::move(*conn), path, options.writer);
    if (!writer) return std::move(writer).error();
    db->impl_->writer = std::move(*writer);
    db->impl_->readers = std::make_unique<ReaderPool>(*db);
    return db;
}

const std::string& Database::path() const { return impl_->path; }

int Database::schema_version() const { return impl_->version; }

int Database::latest_schema_version() { return latest_version(); }

Writer& Database::writer() { return *impl_->writer; }

ReaderPool& Database::readers() { return *impl_->readers; }

Status Database::health() const { return impl_->writer->health(); }

Result<std::unique_ptr<SQLite::Database>> Database::connect(Access access) const {
    const int flags = access == Access::ReadOnly ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE;
    try {
        auto conn = std::make_unique<SQLite::Database>(
            impl_->path, flags, static_cast<int>(impl_->options.busy_timeout.count()));
        configure(*conn);
        return conn;
    } catch (const SQLite::Exception& e) {
        Error error = sqlite_error(impl_->path, "connect to database", e);
        error.code = ErrorCode::Unavailable;
        return error;
    }
}

}  // namespace groupdesk::storage::sqlite
