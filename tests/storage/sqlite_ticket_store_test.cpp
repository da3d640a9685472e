// What only the SQLite ticket store promises: numbers after a restart, one change's failure
// inside a group commit, and the schema it needs.
#include "storage/sqlite/sqlite_ticket_store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <future>
#include <memory>
#include <string>

#include "storage/sqlite/database.h"
#include "storage/sqlite/writer.h"
#include "tests/storage/ticket_test_support.h"

namespace groupdesk::storage::sqlite {
namespace {

using namespace ticket_test;

// A database file of its own per test; reopen() is a restart.
class SqliteTicketStoreTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_NO_FATAL_FAILURE(reopen()); }
    void reopen() {
        store_.reset();
        db_.reset();
        db_ = store_test::open_db(path_);
        ASSERT_TRUE(db_);
        auto store = SqliteTicketStore::open(*db_);
        ASSERT_TRUE(store.ok()) << store.error().message;
        store_ = std::move(*store);
    }

    store_test::TempDir dir_;
    std::string path_ = dir_.file("tickets.db");
    std::unique_ptr<Database> db_;
    std::unique_ptr<SqliteTicketStore> store_;
};

TEST_F(SqliteTicketStoreTest, SchemaIsTheLatest) {
    EXPECT_GE(Database::latest_schema_version(), 3);
    EXPECT_EQ(db_->schema_version(), Database::latest_schema_version());
    ASSERT_NO_FATAL_FAILURE(reopen());
    EXPECT_EQ(db_->schema_version(), Database::latest_schema_version());
}

TEST_F(SqliteTicketStoreTest, ReserveNumberContinuesAboveTheStoredMaximumAfterARestart) {
    EXPECT_EQ(reserve(*store_), 1);
    ASSERT_TRUE(apply_and_wait(*store_, create_change(make_ticket(40))).ok());
    EXPECT_EQ(reserve(*store_), 41);
    ASSERT_NO_FATAL_FAILURE(reopen());
    // 41 was never stored: handing it out again is allowed.
    EXPECT_EQ(reserve(*store_), 41);
    EXPECT_EQ(reserve(*store_), 42);
    ASSERT_TRUE(find_ok(*store_, 40));
}

TEST_F(SqliteTicketStoreTest, ARefusedChangeDoesNotRollBackItsCommitNeighbour) {
    const Ticket existing = make_ticket(reserve(*store_));
    ASSERT_TRUE(apply_and_wait(*store_, create_change(existing)).ok());

    // Hold the writer in a `done` so that the next two changes queue up for one commit.
    std::promise<void> release;
    std::promise<std::uint64_t> held;
    db_->writer().submit([](WriteContext&) { return ok_status(); },
                         [&](const Status&) {
                             held.set_value(db_->writer().commits());
                             release.get_future().wait();
                         });
    const std::uint64_t commits_before = held.get_future().get();

    const Ticket fresh = make_ticket(reserve(*store_), "新工单");
    std::promise<Status> refused_status;
    std::promise<Status> fresh_status;
    TicketChange refused = create_change(make_ticket(existing.number, "重复"));
    refused.command = CommandRecord{"app|refused", existing.number, "x"};
    store_->apply(refused, [&](Status s) { refused_status.set_value(std::move(s)); });
    TicketChange good = create_change(fresh);
    good.command = CommandRecord{"app|fresh", fresh.number, "ok"};
    store_->apply(good, [&](Status s) { fresh_status.set_value(std::move(s)); });
    release.set_value();

    const Status r = refused_status.get_future().get();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
    EXPECT_TRUE(fresh_status.get_future().get().ok());
    EXPECT_EQ(db_->writer().commits(), commits_before + 1);  // they did share one commit

    EXPECT_EQ(find_ok(*store_, fresh.number)->title, "新工单");
    EXPECT_EQ(events_ok(*store_, fresh.number).size(), 1u);
    EXPECT_EQ(find_ok(*store_, existing.number)->title, existing.title);
    EXPECT_EQ(events_ok(*store_, existing.number).size(), 1u);
    EXPECT_TRUE(*store_->find_command("app|fresh"));
    EXPECT_FALSE(*store_->find_command("app|refused"));
}

TEST_F(SqliteTicketStoreTest, ManyChangesInOneJob) {
    // apply_in: what a bulk load does. A refused change returned from the job rolls it back.
    auto status = db_->writer().run_status([&](WriteContext& w) -> Status {
        for (int i = 1; i <= 3; ++i) {
            auto applied = store_->apply_in(w, create_change(make_ticket(i)));
            if (!applied.ok()) return applied;
        }
        return ok_status();
    });
    ASSERT_TRUE(status.ok());
    auto refused = db_->writer().run_status([&](WriteContext& w) -> Status {
        auto applied = store_->apply_in(w, create_change(make_ticket(4)));
        if (!applied.ok()) return applied;
        return store_->apply_in(w, create_change(make_ticket(1)));
    });
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::InvalidArgument);
    TicketQuery all;
    all.with_total = true;
    EXPECT_EQ(list_ok(*store_, all).total, 3u);
    EXPECT_EQ(find_ok(*store_, 4), std::nullopt);
    EXPECT_EQ(reserve(*store_), 5);  // raised by the rolled-back #4: a skipped number is fine
}

TEST_F(SqliteTicketStoreTest, TheTextIndexIsTrigram) {
    auto conn = db_->connect(Database::Access::ReadOnly);
    ASSERT_TRUE(conn.ok());
    SQLite::Statement tokenizer(**conn, "SELECT sql FROM sqlite_master WHERE name = ?1");
    tokenizer.bind(1, "tickets_fts");
    ASSERT_TRUE(tokenizer.executeStep());
    EXPECT_NE(tokenizer.getColumn(0).getString().find("trigram"), std::string::npos);
}

// New tickets are indexed in batches; until then a search scans them. Either way it finds them.
TEST_F(SqliteTicketStoreTest, SearchFindsTicketsBeforeAndAfterTheyAreIndexed) {
    for (std::int64_t n = 1; n <= 5; ++n) {
        Ticket t = make_ticket(n, n % 2 ? "打印机卡纸" : "VPN 连不上");
        t.description = n % 2 ? "三楼" : "出差中";
        ASSERT_TRUE(apply_and_wait(*store_, create_change(t)).ok());
    }
    auto count = [&](const char* table) {
        auto conn = db_->connect(Database::Access::ReadOnly);
        return conn.ok()
                   ? (*conn)->execAndGet(std::string("SELECT COUNT(*) FROM ") + table).getInt()
                   : -1;
    };
    TicketQuery query;
    query.text = "打印机";
    EXPECT_EQ(numbers(list_ok(*store_, query)), (std::vector<std::int64_t>{5, 3, 1}));
    EXPECT_EQ(count("tickets_fts_pending"), 5);

    auto indexed = store_->index_pending(2);  // oldest first, two at a time
    ASSERT_TRUE(indexed.ok());
    EXPECT_EQ(*indexed, 2u);
    EXPECT_EQ(numbers(list_ok(*store_, query)), (std::vector<std::int64_t>{5, 3, 1}));
    indexed = store_->index_pending(100);
    ASSERT_TRUE(indexed.ok());
    EXPECT_EQ(*indexed, 3u);
    EXPECT_EQ(count("tickets_fts_pending"), 0);
    EXPECT_EQ(count("tickets_fts"), 5);
    EXPECT_EQ(numbers(list_ok(*store_, query)), (std::vector<std::int64_t>{5, 3, 1}));
    query.text = "vpn";
    EXPECT_EQ(numbers(list_ok(*store_, query)), (std::vector<std::int64_t>{4, 2}));

    // An indexed ticket whose title changes is found by its new title only.
    auto ticket = *find_ok(*store_, 1);
    ticket.title = "扫描仪坏了";
    ASSERT_TRUE(apply_and_wait(*store_, update_change(ticket, make_event(EventAction::Edit))).ok());
    query.text = "扫描仪";
    EXPECT_EQ(numbers(list_ok(*store_, query)), (std::vector<std::int64_t>{1}));
    query.text = "打印机";
    EXPECT_EQ(numbers(list_ok(*store_, query)), (std::vector<std::int64_t>{5, 3}));
}

}  // namespace
}  // namespace groupdesk::storage::sqlite
