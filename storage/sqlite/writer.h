// Writer: the one write connection of the database and its group-commit thread, shared by stores.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/result.h"
#include "storage/sqlite/database.h"
#include "storage/sqlite/write_health.h"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace groupdesk::storage::sqlite {

class StatementCache;

// What a job sees: the write connection, inside the shared transaction and the job's savepoint.
// Valid during the job only, on the writer thread.
class WriteContext {
public:
    explicit WriteContext(SQLite::Database& conn, StatementCache& statements)
        : conn_(conn), statements_(statements) {}
    SQLite::Database& connection() { return conn_; }
    // Prepared once per SQL text on the write connection; reset, with no bindings.
    // One statement per text: a nested job asking for the same SQL resets the caller's.
    SQLite::Statement& statement(std::string_view sql);

private:
    SQLite::Database& conn_;
    StatementCache& statements_;
};

// SQLite has one writer per file, so every store writes through this one: what is queued goes
// into one IMMEDIATE transaction and one fsync (synchronous=FULL). Each job runs in a SAVEPOINT:
// a job that throws or returns an error is rolled back alone and reports that error, the others
// commit. A storage fault (full disk, I/O error, held lock, moved file) fails the whole commit.
class Writer {
public:
    // Returns the job's outcome: an error rolls the job back. A thrown SQLite::Exception
    // becomes Unavailable, any other exception Internal.
    using Job = std::function<Status(WriteContext&)>;
    // Called once on the writer thread after the commit (or with its error). Must not block for
    // long: the next commit waits for it.
    using Done = std::function<void(Status)>;

    // Opens the write connection and starts the thread. `path` names the file in messages.
    [[nodiscard]] static Result<std::unique_ptr<Writer>> start(
        std::unique_ptr<SQLite::Database> conn, std::string path, WriterOptions options);

    // close()
    ~Writer();
    Writer(const Writer&) = delete;
    Writer& operator=(const Writer&) = delete;

    // Queues `job` for the next commit; `done` reports when it is durable. After close(),
    // `done` gets Unavailable at once, on the calling thread. Inside a Group, joins the group.
    void submit(Job job, Done done);

    // While a Group is open on a thread, that thread's submit() calls to this writer join it;
    // when it closes, they are queued as one job in one savepoint: all of them commit or none
    // does, and every `done` gets the group's outcome. A callback's durable writes go through
    // one group, so a retry never finds half of them (and one savepoint costs less than three).
    // run() and run_status() never join a group: they wait for their own job.
    class Group {
    public:
        explicit Group(Writer& writer);
        ~Group();  // queues the group's jobs
        Group(const Group&) = delete;
        Group& operator=(const Group&) = delete;

    private:
        friend class Writer;
        Writer& writer_;
        Group* outer_;  // a group opened earlier on this thread, open again after this one
        std::vector<std::pair<Job, Done>> jobs_;
    };

    // Runs `job` in the next commit and returns its value once committed. On the writer thread
    // (from a job or a `done`) it runs at once instead of waiting for itself: inside the running
    // transaction from a job (durable with that job's commit), in a commit of its own otherwise.
    // From a job, a storage fault is thrown through the calling job: the whole commit fails.
    template <class T>
    Result<T> run(std::function<Result<T>(WriteContext&)> job) {
        std::optional<Result<T>> value;
        Status status = run_status([&](WriteContext& w) -> Status {
            value.emplace(job(w));
            if (!value->ok()) return value->error();
            return ok_status();
        });
        if (!status.ok()) return std::move(status).error();
        return std::move(*value);
    }
    [[nodiscard]] Status run_status(Job job);

    // Commits what is queued, then stops the thread. Later jobs get Unavailable. Idempotent; from
    // the writer thread it only asks the thread to stop (the destructor joins it).
    void close();

    // Whether writes work, from the last commit or probe; never waits on the disk. Unavailable
    // with a short reason when the last write failed (SQLite's message), the file moved, a write
    // has run longer than stall_after, or the writer is closed. Recovers at the next success.
    [[nodiscard]] Status health() const { return health_.status(); }

    // Successful commits so far (probes excluded): fewer than jobs means jobs shared a commit.
    std::uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }

    bool on_writer_thread() const { return std::this_thread::get_id() == thread_id_; }

private:
    struct Pending {
        Job job;
        Done done;
    };

    Writer(std::unique_ptr<SQLite::Database> conn, std::string path, WriterOptions options);
    void enqueue(Job job, Done done);
    void loop();
    void commit(std::vector<Pending>& batch);
    Status run_savepoint(Job& job);
    void probe();

    std::unique_ptr<SQLite::Database> conn_;  // used on the writer thread only
    std::unique_ptr<StatementCache> statements_;
    const std::string path_;
    const WriterOptions options_;
    WriteHealth health_;
    std::atomic<std::uint64_t> commits_{0};

    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Pending> queue_;
    bool closing_ = false;

    std::mutex close_mutex_;  // one close() joins the thread
    std::thread thread_;
    std::thread::id thread_id_;  // set before the writer is handed out; read without a lock
};

}  // namespace groupdesk::storage::sqlite
