// Write probe: the moved-file check (SQLITE_FCNTL_HAS_MOVED) and the probe row.
#include "storage/sqlite/write_probe.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

namespace groupdesk::storage::sqlite {

bool file_has_moved(SQLite::Database& conn) {
    int moved = 0;
    // Compares the path's inode with the open file's; a stat() failure (deleted) counts as moved.
    if (sqlite3_file_control(conn.getHandle(), "main", SQLITE_FCNTL_HAS_MOVED, &moved) !=
        SQLITE_OK) {
        return false;  // a VFS without the check: nothing to go on
    }
    return moved != 0;
}

FileMoved::FileMoved(const std::string& path)
    : std::runtime_error("database file " + path +
                         " was deleted or replaced while GroupDesk was running; nothing more is "
                         "written to it and callbacks get 503. Restart GroupDesk to use the file "
                         "now at that path (see docs/durability.md, \"Moved database file\")") {}

void commit_unless_moved(SQLite::Transaction& tx, SQLite::Database& conn, const std::string& path) {
    if (file_has_moved(conn)) throw FileMoved(path);
    tx.commit();
}

std::string health_reason(const std::exception& e) {
    if (dynamic_cast<const FileMoved*>(&e) != nullptr) {
        return "database file was deleted or replaced while running; restart GroupDesk";
    }
    return std::string("database writes failing: ") + e.what();
}

std::string health_public_reason(const std::exception& e) {
    if (dynamic_cast<const FileMoved*>(&e) != nullptr) return health_reason(e);
    // What an operator needs to act on, in our own words: SQLite's text may carry paths.
    if (const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e)) {
        switch (sqlite->getErrorCode()) {
            case SQLITE_FULL:
                return "database writes failing: disk full";
            case SQLITE_READONLY:
                return "database writes failing: file or filesystem read-only";
            case SQLITE_BUSY:
            case SQLITE_LOCKED:
                return "database writes failing: locked by another process";
            case SQLITE_IOERR:
                return "database writes failing: disk I/O error";
            case SQLITE_CANTOPEN:
                return "database writes failing: file cannot be opened";
            default:
                break;
        }
    }
    return "database writes failing (the log says why)";
}

void write_probe_row(SQLite::Database& conn, std::int64_t unix_seconds) {
    SQLite::Statement probe(conn, kProbeSql);
    probe.bind(1, unix_seconds);
    probe.exec();
}

}  // namespace groupdesk::storage::sqlite
