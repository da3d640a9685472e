// The database's shared writer: group commit across threads, one savepoint per job or group of
// jobs, durability before `done`, synchronous jobs (also from the writer thread itself), close().
#include "storage/sqlite/writer.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <future>
#include <latch>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/database.h"
#include "storage/sqlite/memory_metrics.h"
#include "storage/sqlite/reader_pool.h"
#include "storage/sqlite/sqlite_dedup_store.h"
#include "tests/storage/store_test_support.h"

namespace groupdesk::storage::sqlite {
namespace {

using store_test::TempDir;

// Inserts `x` into the scratch table.
Writer::Job insert(std::int64_t x) {
    return [x](WriteContext& w) -> Status {
        auto& stmt = w.statement("INSERT INTO t (x) VALUES (?1)");
        stmt.bind(1, x);
        stmt.exec();
        return ok_status();
    };
}

Status submit_and_wait(Writer& writer, Writer::Job job) {
    std::promise<Status> promise;
    auto result = promise.get_future();
    writer.submit(std::move(job), [&promise](Status s) { promise.set_value(std::move(s)); });
    return result.get();
}

class WriterTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = Database::open(dir_.file("test.db"));
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
        Status created = writer().run_status([](WriteContext& w) -> Status {
            w.connection().exec("CREATE TABLE t (x INTEGER UNIQUE)");
            return ok_status();
        });
        ASSERT_TRUE(created.ok()) << created.error().message;
    }
    Writer& writer() { return db_->writer(); }

    // Whether a read-only connection (a committed snapshot) sees `x`.
    bool visible(std::int64_t x) {
        auto reader = db_->readers().take();
        EXPECT_TRUE(reader.ok());
        if (!reader.ok()) return false;
        auto& stmt = reader->statement("SELECT count(*) FROM t WHERE x = ?1");
        stmt.bind(1, x);
        stmt.executeStep();
        return stmt.getColumn(0).getInt() == 1;
    }

    TempDir dir_;
    std::unique_ptr<Database> db_;
};

TEST_F(WriterTest, JobsFromManyThreadsShareOneCommit) {
    // The first job's `done` holds the writer until every other job is queued, so those can only
    // go out together: batching shown without relying on timing.
    constexpr int kThreads = 4;
    constexpr int kPerThread = 50;
    std::latch all_queued(1);
    std::latch all_done(std::ptrdiff_t{kThreads} * kPerThread);
    std::atomic<int> failures{0};
    const auto before = writer().commits();
    std::promise<Status> first;
    writer().submit(insert(-1), [&](Status s) {
        all_queued.wait();
        first.set_value(std::move(s));
    });
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                writer().submit(insert(t * 1000 + i), [&](const Status& s) {
                    if (!s.ok()) ++failures;
                    all_done.count_down();
                });
            }
        });
    }
    for (auto& thread : threads) thread.join();
    all_queued.count_down();
    all_done.wait();

    EXPECT_TRUE(first.get_future().get().ok());
    EXPECT_EQ(failures.load(), 0);
    EXPECT_GE(writer().commits() - before, 1u);
    EXPECT_LE(writer().commits() - before, 2u);
    EXPECT_TRUE(visible(3049));
}

TEST_F(WriterTest, StoresShareTheCommit) {
    // A dedup record and another store's job, queued while the writer is held: one commit.
    auto store = SqliteDedupStore::open(*db_);
    ASSERT_TRUE(store.ok());
    const auto before = writer().commits();
    std::latch release(1);
    std::promise<void> gate_done;
    writer().submit(insert(0), [&](const Status&) {
        release.wait();
        gate_done.set_value();
    });
    std::promise<Status> recorded, inserted;
    (*store)->record("k", "a", store_test::at(1000),
                     [&](Status s) { recorded.set_value(std::move(s)); });
    writer().submit(insert(1), [&](Status s) { inserted.set_value(std::move(s)); });
    release.count_down();
    gate_done.get_future().get();
    EXPECT_TRUE(recorded.get_future().get().ok());
    EXPECT_TRUE(inserted.get_future().get().ok());
    EXPECT_LE(writer().commits() - before, 2u);  // the gate's commit and at most one more
    EXPECT_EQ(store_test::find_ok(**store, "k"), "a");
    EXPECT_TRUE(visible(1));
}

TEST_F(WriterTest, AFailingJobIsRolledBackAloneAndTheOthersBecomeDurable) {
    std::latch release(1);
    std::promise<void> gate_done;
    writer().submit(insert(0), [&](const Status&) {
        release.wait();
        gate_done.set_value();
    });
    std::promise<Status> a, b, c, d;
    writer().submit(insert(1), [&](Status s) { a.set_value(std::move(s)); });
    // Writes a row, then fails: the row must go with it.
    writer().submit(
        [](WriteContext& w) -> Status {
            w.connection().exec("INSERT INTO t (x) VALUES (2)");
            w.connection().exec("INSERT INTO t (x) VALUES (1)");  // UNIQUE: throws
            return ok_status();
        },
        [&](Status s) { b.set_value(std::move(s)); });
    writer().submit(
        [](WriteContext& w) -> Status {
            w.connection().exec("INSERT INTO t (x) VALUES (3)");
            return make_error(ErrorCode::FailedPrecondition, "changed my mind");
        },
        [&](Status s) { c.set_value(std::move(s)); });
    writer().submit(insert(4), [&](Status s) { d.set_value(std::move(s)); });
    release.count_down();
    gate_done.get_future().get();

    EXPECT_TRUE(a.get_future().get().ok());
    Status failed = b.get_future().get();
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, ErrorCode::Unavailable);
    EXPECT_NE(failed.error().message.find("UNIQUE"), std::string::npos) << failed.error().message;
    Status refused = c.get_future().get();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::FailedPrecondition);
    EXPECT_TRUE(d.get_future().get().ok());

    EXPECT_TRUE(visible(1));
    EXPECT_FALSE(visible(2));
    EXPECT_FALSE(visible(3));
    EXPECT_TRUE(visible(4));
    EXPECT_TRUE(db_->health().ok());
}

// A callback's writes: all durable, or none (the platform's retry then does them all again).
TEST_F(WriterTest, AGroupsJobsCommitTogetherOrNotAtAll) {
    std::promise<Status> a, b, c, d;
    {
        Writer::Group group(writer());
        writer().submit(insert(10), [&](Status s) { a.set_value(std::move(s)); });
        writer().submit(insert(11), [&](Status s) { b.set_value(std::move(s)); });
    }
    {
        Writer::Group group(writer());
        writer().submit(insert(12), [&](Status s) { c.set_value(std::move(s)); });
        writer().submit(
            [](WriteContext& w) -> Status {
                w.connection().exec("INSERT INTO t (x) VALUES (13)");
                return make_error(ErrorCode::FailedPrecondition, "changed my mind");
            },
            [&](Status s) { d.set_value(std::move(s)); });
    }
    EXPECT_TRUE(a.get_future().get().ok());
    EXPECT_TRUE(b.get_future().get().ok());
    for (auto* failed : {&c, &d}) {
        Status status = failed->get_future().get();
        ASSERT_FALSE(status.ok());
        EXPECT_EQ(status.error().code, ErrorCode::FailedPrecondition);
    }
    EXPECT_TRUE(visible(10));
    EXPECT_TRUE(visible(11));
    EXPECT_FALSE(visible(12));  // written by the group's first job, taken back with the second
    EXPECT_FALSE(visible(13));
}

// run_status() waits for its own job, which must not join the group: the group is queued only
// when it closes, after the wait.
TEST_F(WriterTest, ASynchronousJobInsideAGroupIsNotHeldByIt) {
    std::promise<Status> grouped;
    {
        Writer::Group group(writer());
        writer().submit(insert(20), [&](Status s) { grouped.set_value(std::move(s)); });
        EXPECT_TRUE(writer().run_status(insert(21)).ok());
        EXPECT_TRUE(visible(21));
        EXPECT_FALSE(visible(20));  // still held by the open group
    }
    EXPECT_TRUE(grouped.get_future().get().ok());
    EXPECT_TRUE(visible(20));
}

// The gauge of /metrics: an open database holds some memory, and the peak is never below it.
TEST_F(WriterTest, SqliteMemoryIsRenderedAsTwoGauges) {
    const std::string text = render_memory_metrics();
    const auto sample = [&text](const std::string& name) -> long long {
        const auto at = text.find("\n" + name + " ");
        if (at == std::string::npos) return -1;
        return std::stoll(text.substr(at + name.size() + 2));
    };
    const long long now = sample("groupdesk_sqlite_memory_bytes");
    const long long peak = sample("groupdesk_sqlite_memory_peak_bytes");
    EXPECT_GT(now, 0) << text;
    EXPECT_GE(peak, now) << text;
    EXPECT_NE(text.find("# TYPE groupdesk_sqlite_memory_bytes gauge"), std::string::npos);
}

TEST_F(WriterTest, AJobThatThrowsSomethingElseReportsInternal) {
    Status status = submit_and_wait(writer(), [](WriteContext& w) -> Status {
        w.connection().exec("INSERT INTO t (x) VALUES (5)");
        throw std::runtime_error("bug");
    });
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::Internal);
    EXPECT_FALSE(visible(5));
}

TEST_F(WriterTest, DoneIsCalledOnlyAfterTheCommit) {
    bool seen_in_job = true;
    bool seen_in_done = false;
    std::promise<void> finished;
    writer().submit(
        [&](WriteContext& w) -> Status {
            Status s = insert(7)(w);
            seen_in_job = visible(7);  // written, not committed: other connections cannot see it
            return s;
        },
        [&](const Status& s) {
            EXPECT_TRUE(s.ok());
            seen_in_done = visible(7);
            finished.set_value();
        });
    finished.get_future().get();
    EXPECT_FALSE(seen_in_job);
    EXPECT_TRUE(seen_in_done);
}

TEST_F(WriterTest, SynchronousJobsReturnTheirValueOnceCommitted) {
    auto rowid = writer().run<std::int64_t>([](WriteContext& w) -> Result<std::int64_t> {
        w.connection().exec("INSERT INTO t (x) VALUES (8)");
        return w.connection().getLastInsertRowid();
    });
    ASSERT_TRUE(rowid.ok()) << rowid.error().message;
    EXPECT_GT(*rowid, 0);
    EXPECT_TRUE(visible(8));

    auto refused = writer().run<int>([](WriteContext& w) -> Result<int> {
        w.connection().exec("INSERT INTO t (x) VALUES (9)");
        return make_error(ErrorCode::NotFound, "no such thing");
    });
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::NotFound);
    EXPECT_FALSE(visible(9));
}

TEST_F(WriterTest, ASynchronousJobFromTheWriterThreadRunsAtOnce) {
    std::promise<Result<int>> inner_from_job;
    std::promise<Result<int>> inner_from_done;
    std::promise<Status> outer;
    auto nested = [this](std::int64_t x) {
        return writer().run<int>([x](WriteContext& w) -> Result<int> {
            Status s = insert(x)(w);
            if (!s.ok()) return std::move(s).error();
            return static_cast<int>(x);
        });
    };
    writer().submit(
        [&](WriteContext&) -> Status {
            inner_from_job.set_value(nested(10));  // inside this job's transaction
            return ok_status();
        },
        [&](Status s) {
            inner_from_done.set_value(nested(11));  // between commits: a commit of its own
            outer.set_value(std::move(s));
        });
    EXPECT_TRUE(outer.get_future().get().ok());
    auto from_job = inner_from_job.get_future().get();
    auto from_done = inner_from_done.get_future().get();
    ASSERT_TRUE(from_job.ok()) << from_job.error().message;
    ASSERT_TRUE(from_done.ok()) << from_done.error().message;
    EXPECT_EQ(*from_job, 10);
    EXPECT_EQ(*from_done, 11);
    EXPECT_TRUE(visible(10));
    EXPECT_TRUE(visible(11));
}

TEST_F(WriterTest, CloseCommitsWhatIsQueuedThenRefuses) {
    std::atomic<int> ok{0};
    for (int i = 0; i < 100; ++i) {
        writer().submit(insert(100 + i), [&](const Status& s) {
            if (s.ok()) ++ok;
        });
    }
    writer().close();  // no waiting on the callbacks first
    EXPECT_EQ(ok.load(), 100);
    Status late = submit_and_wait(writer(), insert(1000));
    ASSERT_FALSE(late.ok());
    EXPECT_EQ(late.error().code, ErrorCode::Unavailable);
    auto late_sync = writer().run<int>([](WriteContext&) -> Result<int> { return 1; });
    ASSERT_FALSE(late_sync.ok());
    EXPECT_EQ(late_sync.error().code, ErrorCode::Unavailable);
    ASSERT_FALSE(db_->health().ok());
    EXPECT_NE(db_->health().error().message.find("closed"), std::string::npos);

    EXPECT_TRUE(visible(100));
    EXPECT_TRUE(visible(199));
    EXPECT_FALSE(visible(1000));
}

TEST_F(WriterTest, ClosingTheDatabaseCommitsWhatIsQueued) {
    std::atomic<int> ok{0};
    for (int i = 0; i < 50; ++i) {
        writer().submit(insert(200 + i), [&](const Status& s) {
            if (s.ok()) ++ok;
        });
    }
    db_.reset();
    EXPECT_EQ(ok.load(), 50);
    auto db = Database::open(dir_.file("test.db"));
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    EXPECT_TRUE(visible(200));
    EXPECT_TRUE(visible(249));
}

}  // namespace
}  // namespace groupdesk::storage::sqlite
