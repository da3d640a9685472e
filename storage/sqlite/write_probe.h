// Write probe: checks that the database file still takes writes, and is still the file GroupDesk
// opened. For the writer connection in storage/sqlite/ only.
#pragma once

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>

namespace SQLite {
class Database;
class Transaction;
}  // namespace SQLite

namespace groupdesk::storage::sqlite {

// One row in write_probe (migration 2), rewritten by every probe.
inline constexpr const char* kProbeSql =
    "INSERT OR REPLACE INTO write_probe (id, at) VALUES (1, ?1)";

// True when the path no longer names the file `conn` has open (deleted, or another file renamed
// over it). SQLite in WAL mode would go on writing into the old inode, which a restart loses.
bool file_has_moved(SQLite::Database& conn);

// Thrown instead of committing into a moved file; what() is the log line: what happened and
// what to do.
class FileMoved : public std::runtime_error {
public:
    explicit FileMoved(const std::string& path);
};

// Commits `tx` unless the file moved (then throws FileMoved): the last check before the WAL is
// written and synced.
void commit_unless_moved(SQLite::Transaction& tx, SQLite::Database& conn, const std::string& path);

// The short reason health() gives for a write that threw `e`.
std::string health_reason(const std::exception& e);
// The same without the exception's text, for the health check's answer.
std::string health_public_reason(const std::exception& e);

// Writes the probe row with `unix_seconds` in the current transaction. Throws SQLite::Exception.
void write_probe_row(SQLite::Database& conn, std::int64_t unix_seconds);

}  // namespace groupdesk::storage::sqlite
