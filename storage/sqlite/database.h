// Database: one SQLite file in WAL mode, its schema migrations, and connections for the stores.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "common/result.h"

namespace SQLite {
class Database;
}

namespace groupdesk::storage::sqlite {

// The writer's health checks (storage/sqlite/writer.h).
struct WriterOptions {
    // An idle writer writes the probe row this often, so health() notices a failing disk
    // without waiting for a write.
    std::chrono::milliseconds probe_interval{5000};
    // A commit or probe running longer than this makes health() report a stall (a frozen or
    // failing disk). Above busy_timeout, so a held lock reports "locked", not a stall.
    std::chrono::milliseconds stall_after{3000};
};

struct DatabaseOptions {
    // How long a connection waits for another one's write lock before failing. Well under the
    // platform's 5 s answer deadline, so a stuck lock becomes a 503 (and a retry), not a timeout.
    std::chrono::milliseconds busy_timeout{2000};
    WriterOptions writer{};
};

class Writer;
class ReaderPool;

// Opens and migrates the file, and owns the one Writer every store writes through and the pool of
// read-only connections they look things up with. Outlives every store built on it.
class Database {
public:
    enum class Access { ReadWrite, ReadOnly };

    // Takes "<path>.lock" (one GroupDesk process per database; held until the Database is
    // destroyed, so a second open() of the same path fails too), creates the file if needed,
    // switches it to WAL, applies the pending migrations and writes the probe row. Refuses a file
    // it cannot write ("database file is not writable") and one another process holds ("... is in
    // use by another GroupDesk process (lock file ...)"), both FailedPrecondition.
    // Errors name the path and carry SQLite's message (detail: SQLite's extended result code).
    [[nodiscard]] static Result<std::unique_ptr<Database>> open(const std::string& path,
                                                                DatabaseOptions options = {});

    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    const std::string& path() const;

    // The schema version of the file (PRAGMA user_version) once migrations ran.
    int schema_version() const;
    // How many migrations this build knows; open() refuses a file from a newer build.
    static int latest_schema_version();

    // The writer and the readers, for stores in storage/sqlite/. Destroying the Database closes
    // the writer (committing what is queued) first.
    Writer& writer();
    ReaderPool& readers();
    // The writer's health (Writer::health): never waits on the disk.
    [[nodiscard]] Status health() const;

    // A new connection to the same file, set up like every other one: synchronous=FULL (a commit
    // is on disk when it returns), busy_timeout and foreign keys on. One thread at a time.
    // For code in storage/sqlite/ only; nothing else sees SQLite types. Writes belong on writer().
    [[nodiscard]] Result<std::unique_ptr<::SQLite::Database>> connect(Access access) const;

private:
    struct Impl;
    explicit Database(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace groupdesk::storage::sqlite
