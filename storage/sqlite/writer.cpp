// Writer: group commit of every store's jobs, one savepoint per job or group of jobs, the idle
// probe and health.
#include "storage/sqlite/writer.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <exception>
#include <future>

#include "common/clock.h"
#include "storage/sqlite/statement_cache.h"
#include "storage/sqlite/write_probe.h"

namespace groupdesk::storage::sqlite {

namespace {

Error error_of(const std::string& what, const std::exception& e) {
    if (const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e)) {
        return make_error(ErrorCode::Unavailable, what + ": " + e.what(),
                          sqlite->getExtendedErrorCode());
    }
    if (dynamic_cast<const FileMoved*>(&e) != nullptr) {
        return make_error(ErrorCode::Unavailable, what + ": " + e.what());
    }
    return make_error(ErrorCode::Internal, what + ": " + e.what());
}

Error closed_error() { return make_error(ErrorCode::Unavailable, "database writer is closed"); }

// The group open on this thread, if any (Writer::Group).
thread_local Writer::Group* open_group = nullptr;

// Errors of the file or the lock rather than of one job's statements: SQLite may have rolled
// the whole transaction back, and nothing in it can commit.
bool is_storage_fault(const SQLite::Exception& e) {
    switch (e.getErrorCode()) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_NOMEM:
        case SQLITE_READONLY:
        case SQLITE_IOERR:
        case SQLITE_CORRUPT:
        case SQLITE_FULL:
        case SQLITE_CANTOPEN:
        case SQLITE_PROTOCOL:
        case SQLITE_NOTADB:
            return true;
        default:
            return false;
    }
}

void call(Writer::Done& done, Status status) {
    try {
        done(std::move(status));
    } catch (const std::exception& e) {
        spdlog::error("database writer: a job's completion threw: {}", e.what());
    } catch (...) {
        spdlog::error("database writer: a job's completion threw");
    }
}

}  // namespace

SQLite::Statement& WriteContext::statement(std::string_view sql) { return statements_.get(sql); }

Writer::Writer(std::unique_ptr<SQLite::Database> conn, std::string path, WriterOptions options)
    : conn_(std::move(conn)),
      statements_(std::make_unique<StatementCache>(*conn_)),
      path_(std::move(path)),
      options_(options),
      health_(options.stall_after) {}

Writer::~Writer() {
    close();
    if (thread_.joinable()) thread_.join();  // close() from the writer thread left it running
}

Result<std::unique_ptr<Writer>> Writer::start(std::unique_ptr<SQLite::Database> conn,
                                              std::string path, WriterOptions options) {
    std::unique_ptr<Writer> writer(new Writer(std::move(conn), std::move(path), options));
    Writer* raw = writer.get();
    writer->thread_ = std::thread([raw] { raw->loop(); });
    writer->thread_id_ = writer->thread_.get_id();
    return writer;
}

Writer::Group::Group(Writer& writer) : writer_(writer), outer_(open_group) { open_group = this; }

Writer::Group::~Group() {
    open_group = outer_;
    if (jobs_.empty()) return;
    if (jobs_.size() == 1) {
        writer_.enqueue(std::move(jobs_.front().first), std::move(jobs_.front().second));
        return;
    }
    // Shared: a std::function must be copyable, and the job and its completion both need them.
    auto members = std::make_shared<std::vector<std::pair<Job, Done>>>(std::move(jobs_));
    writer_.enqueue(
        [members](WriteContext& w) -> Status {
            for (auto& member : *members) {
                Status status = member.first(w);
                if (!status.ok()) return status;  // the savepoint takes the others back too
            }
            return ok_status();
        },
        [members](const Status& status) {
            for (auto& member : *members) call(member.second, status);
        });
}

void Writer::submit(Job job, Done done) {
    if (open_group != nullptr && &open_group->writer_ == this) {
        open_group->jobs_.emplace_back(std::move(job), std::move(done));
        return;
    }
    enqueue(std::move(job), std::move(done));
}

void Writer::enqueue(Job job, Done done) {
    {
        std::lock_guard lock(mutex_);
        if (!closing_) {
            queue_.push_back(Pending{std::move(job), std::move(done)});
            wake_.notify_one();
            return;
        }
    }
    call(done, closed_error());
}

Status Writer::run_status(Job job) {
    if (on_writer_thread()) {
        if (sqlite3_get_autocommit(conn_->getHandle()) == 0) {
            // Inside a job: a nested savepoint in the running transaction.
            return run_savepoint(job);
        }
        // From a `done`, between commits: a commit of its own.
        Status result = ok_status();
        std::vector<Pending> batch;
        batch.push_back(Pending{std::move(job), [&result](Status s) { result = std::move(s); }});
        commit(batch);
        return result;
    }
    std::promise<Status> promise;
    auto result = promise.get_future();
    // Not submit(): inside a group the job would wait for the group, which waits for this.
    enqueue(std::move(job), [&promise](Status s) { promise.set_value(std::move(s)); });
    return result.get();
}

void Writer::close() {
    std::lock_guard close_lock(close_mutex_);
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
        wake_.notify_one();
    }
    if (thread_.joinable() && !on_writer_thread()) thread_.join();
    health_.closed();
}

void Writer::loop() {
    using std::chrono::steady_clock;
    std::unique_lock lock(mutex_);
    auto next_probe = steady_clock::now() + options_.probe_interval;
    for (;;) {
        const bool work =
            wake_.wait_until(lock, next_probe, [this] { return closing_ || !queue_.empty(); });
        if (!work) {
            // Idle for a whole interval: show that the disk still takes writes.
            lock.unlock();
            probe();
            lock.lock();
            next_probe = steady_clock::now() + options_.probe_interval;
            continue;
        }
        if (queue_.empty()) return;  // closing, and everything is written

        // Everything queued so far shares this commit; jobs arriving meanwhile queue up for the
        // next one.
        std::vector<Pending> batch;
        batch.swap(queue_);
        lock.unlock();
        commit(batch);
        lock.lock();
        next_probe = steady_clock::now() + options_.probe_interval;
    }
}

Status Writer::run_savepoint(Job& job) {
    auto& conn = *conn_;
    // Prepared once: a savepoint per job must cost little next to the commit's fsync.
    statements_->get("SAVEPOINT job").exec();
    Status status = ok_status();
    try {
        WriteContext context(conn, *statements_);
        status = job(context);
    } catch (const SQLite::Exception& e) {
        if (is_storage_fault(e)) throw;
        status = error_of("database job", e);
    } catch (const FileMoved&) {
        throw;
    } catch (const std::exception& e) {
        status = error_of("database job", e);
    }
    if (sqlite3_get_autocommit(conn.getHandle()) != 0) {
        // SQLite ended the transaction itself: the jobs before this one are gone too.
        throw SQLite::Exception("database transaction was rolled back: " +
                                    (status.ok() ? std::string("?") : status.error().message),
                                SQLITE_ABORT);
    }
    if (!status.ok()) statements_->get("ROLLBACK TO job").exec();
    statements_->get("RELEASE job").exec();
    return status;
}

void Writer::commit(std::vector<Pending>& batch) {
    std::vector<Status> results(batch.size());
    bool failed = false;
    health_.started();
    try {
        SQLite::Transaction tx(*conn_, SQLite::TransactionBehavior::IMMEDIATE);
        std::size_t kept = 0;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            results[i] = run_savepoint(batch[i].job);
            if (results[i].ok()) ++kept;
        }
        if (kept == 0) {
            // Nothing to make durable: no fsync. The transaction rolls back on leaving.
            if (file_has_moved(*conn_)) throw FileMoved(path_);
        } else {
            // synchronous=FULL: returns once the WAL is on disk
            commit_unless_moved(tx, *conn_, path_);
            commits_.fetch_add(1, std::memory_order_relaxed);
        }
    } catch (const std::exception& e) {
        const Error error =
            error_of("database commit of " + std::to_string(batch.size()) + " jobs", e);
        health_.failed(health_reason(e), health_public_reason(e));
        spdlog::error("{}", error.message);
        for (auto& result : results) result = error;
        failed = true;
    }
    if (!failed && health_.succeeded()) spdlog::info("database {}: writes work again", path_);
    for (std::size_t i = 0; i < batch.size(); ++i) call(batch[i].done, std::move(results[i]));
}

void Writer::probe() {
    health_.started();
    try {
        SQLite::Transaction tx(*conn_, SQLite::TransactionBehavior::IMMEDIATE);
        write_probe_row(*conn_, to_unix_seconds(std::chrono::system_clock::now()));
        commit_unless_moved(tx, *conn_, path_);
    } catch (const std::exception& e) {
        // Logged once per episode: an idle writer probes every few seconds.
        if (health_.failed(health_reason(e), health_public_reason(e))) {
            spdlog::error("write probe of database {} failed: {}", path_, e.what());
        }
        return;
    }
    if (health_.succeeded()) spdlog::info("database {}: writes work again", path_);
}

}  // namespace groupdesk::storage::sqlite
