// SqliteDedupStore: group commit on one writer thread, point lookups on pooled read-only
// connections, the retention sweep in small batches between commits.
#include "storage/sqlite/sqlite_dedup_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <future>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "storage/sqlite/write_health.h"
#include "storage/sqlite/write_probe.h"

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

// Idle read connections kept for reuse; about one per request thread. A burst of more
// concurrent lookups than this opens extra connections that are closed afterwards.
constexpr std::size_t kMaxIdleReaders = 64;

struct Pending {
    std::string key;
    std::string answer;
    std::int64_t at;
    handlers::DurableDone done;
};

struct Sweep {
    std::int64_t cutoff;
    std::int64_t limit;
    std::promise<Result<std::size_t>> result;
};

// One read-only connection and its prepared lookup, used by one thread at a time.
struct Reader {
    explicit Reader(std::unique_ptr<SQLite::Database> c)
        : conn(std::move(c)), select(*conn, kSelectSql) {}
    std::unique_ptr<SQLite::Database> conn;  // declared first: the statement dies before it
    SQLite::Statement select;
};

struct Writer {
    explicit Writer(std::unique_ptr<SQLite::Database> c)
        : conn(std::move(c)), insert(*conn, kInsertSql), expire(*conn, kExpireSql) {}
    std::unique_ptr<SQLite::Database> conn;
    SQLite::Statement insert;
    SQLite::Statement expire;
};

Error unavailable(std::string what, const std::exception& e) {
    int detail = 0;
    if (const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e)) {
        detail = sqlite->getExtendedErrorCode();
    }
    return make_error(ErrorCode::Unavailable, what + ": " + e.what(), detail);
}

Error closed_error() { return make_error(ErrorCode::Unavailable, "dedup store is closed"); }

}  // namespace

struct SqliteDedupStore::Impl {
    Impl(Database& database, std::unique_ptr<Writer> w, SqliteDedupStoreOptions o)
        : db(database), writer(std::move(w)), options(o), health(o.stall_after) {}

    void run();
    void probe();
    void write_failed(const std::exception& e, const std::string& what);
    void write_succeeded();
    Status commit(std::vector<Pending>& batch);
    Result<std::size_t> sweep(std::int64_t cutoff, std::int64_t limit);
    Result<std::unique_ptr<Reader>> take_reader();
    void give_back(std::unique_ptr<Reader> reader);

    Database& db;
    std::unique_ptr<Writer> writer;  // used by the writer thread only
    const SqliteDedupStoreOptions options;
    WriteHealth health;
    std::atomic<std::uint64_t> commits{0};

    std::mutex queue_mutex;
    std::condition_variable queue_cv;
    std::vector<Pending> queue;
    std::deque<Sweep> sweeps;
    bool closing = false;

    std::mutex close_mutex;  // one close() joins the thread
    std::thread thread;
    std::thread::id writer_id;  // set before the store is handed out; read without a lock

    std::mutex pool_mutex;
    std::vector<std::unique_ptr<Reader>> idle_readers;
};

void SqliteDedupStore::Impl::run() {
    using std::chrono::steady_clock;
    std::unique_lock lock(queue_mutex);
    auto next_probe = steady_clock::now() + options.probe_interval;
    for (;;) {
        const bool work = queue_cv.wait_until(
            lock, next_probe, [this] { return closing || !queue.empty() || !sweeps.empty(); });
        if (!work) {
            // Idle for a whole interval: show that the disk still takes writes.
            lock.unlock();
            probe();
            lock.lock();
            next_probe = steady_clock::now() + options.probe_interval;
            continue;
        }
        if (queue.empty() && sweeps.empty()) return;  // closing, and everything is written

        // Everything queued so far shares this commit; records arriving meanwhile queue up
        // for the next one.
        std::vector<Pending> batch;
        batch.swap(queue);
        // At most one sweep batch between two commits, so a sweep never holds records back long.
        std::optional<Sweep> pending_sweep;
        if (!sweeps.empty()) {
            pending_sweep.emplace(std::move(sweeps.front()));
            sweeps.pop_front();
        }
        lock.unlock();

        if (!batch.empty()) {
            const Status status = commit(batch);
            for (auto& p : batch) {
                try {
                    p.done(status);
                } catch (const std::exception& e) {
                    spdlog::error("dedup: a record's completion threw: {}", e.what());
                } catch (...) {
                    spdlog::error("dedup: a record's completion threw");
                }
            }
        }
        if (pending_sweep) {
            pending_sweep->result.set_value(sweep(pending_sweep->cutoff, pending_sweep->limit));
        }
        lock.lock();
        next_probe = steady_clock::now() + options.probe_interval;
    }
}

void SqliteDedupStore::Impl::probe() {
    health.started();
    try {
        SQLite::Transaction tx(*writer->conn, SQLite::TransactionBehavior::IMMEDIATE);
        write_probe_row(*writer->conn, to_unix_seconds(std::chrono::system_clock::now()));
        commit_unless_moved(tx, *writer->conn, db.path());
    } catch (const std::exception& e) {
        // Logged once per episode: an idle writer probes every few seconds.
        if (health.failed(health_reason(e), health_public_reason(e))) {
            spdlog::error("write probe of database {} failed: {}", db.path(), e.what());
        }
        return;
    }
    write_succeeded();
}

void SqliteDedupStore::Impl::write_failed(const std::exception& e, const std::string& what) {
    health.failed(health_reason(e), health_public_reason(e));
    spdlog::error("{}", unavailable(what, e).message);
}

void SqliteDedupStore::Impl::write_succeeded() {
    if (health.succeeded()) spdlog::info("database {}: writes work again", db.path());
}

Status SqliteDedupStore::Impl::commit(std::vector<Pending>& batch) {
    auto& insert = writer->insert;
    health.started();
    try {
        SQLite::Transaction tx(*writer->conn, SQLite::TransactionBehavior::IMMEDIATE);
        for (const auto& p : batch) {
            insert.bindNoCopy(1, p.key);  // p outlives the statement's use of it
            insert.bindNoCopy(2, p.answer);
            insert.bind(3, static_cast<std::int64_t>(p.at));
            insert.exec();
            insert.tryReset();
        }
        insert.clearBindings();
        // synchronous=FULL: returns once the WAL is on disk
        commit_unless_moved(tx, *writer->conn, db.path());
    } catch (const std::exception& e) {
        insert.tryReset();
        insert.clearBindings();
        const std::string what = "dedup commit of " + std::to_string(batch.size()) + " records";
        write_failed(e, what);
        return unavailable(what, e);
    }
    commits.fetch_add(1, std::memory_order_relaxed);
    write_succeeded();
    return ok_status();
}

Result<std::size_t> SqliteDedupStore::Impl::sweep(std::int64_t cutoff, std::int64_t limit) {
    auto& expire = writer->expire;
    health.started();
    try {
        SQLite::Transaction tx(*writer->conn, SQLite::TransactionBehavior::IMMEDIATE);
        expire.bind(1, cutoff);
        expire.bind(2, limit);
        const int removed = expire.exec();
        expire.tryReset();
        commit_unless_moved(tx, *writer->conn, db.path());
        write_succeeded();
        return static_cast<std::size_t>(removed);
    } catch (const std::exception& e) {
        expire.tryReset();
        write_failed(e, "dedup expiry");
        return unavailable("dedup expiry", e);
    }
}

Result<std::unique_ptr<Reader>> SqliteDedupStore::Impl::take_reader() {
    {
        std::lock_guard lock(pool_mutex);
        if (!idle_readers.empty()) {
            auto reader = std::move(idle_readers.back());
            idle_readers.pop_back();
            return reader;
        }
    }
    auto conn = db.connect(Database::Access::ReadOnly);
    if (!conn) return std::move(conn).error();
    try {
        return std::make_unique<Reader>(std::move(*conn));
    } catch (const std::exception& e) {
        return unavailable("dedup lookup", e);
    }
}

void SqliteDedupStore::Impl::give_back(std::unique_ptr<Reader> reader) {
    std::lock_guard lock(pool_mutex);
    if (idle_readers.size() < kMaxIdleReaders) idle_readers.push_back(std::move(reader));
}

SqliteDedupStore::SqliteDedupStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteDedupStore::~SqliteDedupStore() { close(); }

Result<std::unique_ptr<SqliteDedupStore>> SqliteDedupStore::open(Database& db,
                                                                 SqliteDedupStoreOptions options) {
    auto conn = db.connect(Database::Access::ReadWrite);
    if (!conn) return std::move(conn).error();
    std::unique_ptr<Writer> writer;
    try {
        writer = std::make_unique<Writer>(std::move(*conn));
    } catch (const std::exception& e) {
        return unavailable("open dedup store on " + db.path(), e);
    }
    auto impl = std::make_unique<Impl>(db, std::move(writer), options);
    Impl* raw = impl.get();
    impl->thread = std::thread([raw] { raw->run(); });
    impl->writer_id = impl->thread.get_id();
    return std::unique_ptr<SqliteDedupStore>(new SqliteDedupStore(std::move(impl)));
}

Result<std::optional<std::string>> SqliteDedupStore::find(std::string_view key) {
    auto reader = impl_->take_reader();
    if (!reader) return std::move(reader).error();
    auto& select = (*reader)->select;
    const std::string k(key);
    std::optional<std::string> answer;
    try {
        select.bindNoCopy(1, k);
        if (select.executeStep()) answer = select.getColumn(0).getString();
        // Resetting ends the read transaction, so an idle reader never pins an old snapshot
        // (which would keep checkpoints from shrinking the WAL).
        select.tryReset();
        select.clearBindings();
    } catch (const std::exception& e) {
        return unavailable("dedup lookup", e);  // the reader is dropped, not reused
    }
    impl_->give_back(std::move(*reader));
    return answer;
}

void SqliteDedupStore::record(std::string key, std::string answer, time_point at,
                              handlers::DurableDone done) {
    {
        std::lock_guard lock(impl_->queue_mutex);
        if (!impl_->closing) {
            impl_->queue.push_back(
                Pending{std::move(key), std::move(answer), to_unix_seconds(at), std::move(done)});
            impl_->queue_cv.notify_one();
            return;
        }
    }
    done(closed_error());
}

Result<std::size_t> SqliteDedupStore::expire_before(time_point cutoff, std::size_t limit) {
    if (limit == 0) return std::size_t{0};
    const std::int64_t cutoff_s = to_unix_seconds(cutoff);
    const auto limit_rows = static_cast<std::int64_t>(
        std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
    // From a `done` callback we already are the writer: waiting for ourselves would hang.
    if (std::this_thread::get_id() == impl_->writer_id) {
        return impl_->sweep(cutoff_s, limit_rows);
    }
    std::future<Result<std::size_t>> result;
    {
        std::lock_guard lock(impl_->queue_mutex);
        if (impl_->closing) return closed_error();
        Sweep sweep{cutoff_s, limit_rows, {}};
        result = sweep.result.get_future();
        impl_->sweeps.push_back(std::move(sweep));
        impl_->queue_cv.notify_one();
    }
    return result.get();
}

void SqliteDedupStore::close() {
    std::lock_guard close_lock(impl_->close_mutex);
    {
        std::lock_guard lock(impl_->queue_mutex);
        impl_->closing = true;
        impl_->queue_cv.notify_one();
    }
    impl_->health.closed();
    // Called from a `done` callback, the writer finishes the queue and stops by itself; it is
    // joined by the destructor's close().
    if (impl_->thread.joinable() && std::this_thread::get_id() != impl_->writer_id) {
        impl_->thread.join();
    }
}

Status SqliteDedupStore::health() const { return impl_->health.status(); }

std::uint64_t SqliteDedupStore::commits() const {
    return impl_->commits.load(std::memory_order_relaxed);
}

}  // namespace groupdesk::storage::sqlite
