// The KeywordStore contract (keywords/keyword_store.h), run against every backend (memory,
// SQLite), and what only SQLite promises: rules, history and hits survive a restart, in the
// tables of schema step 6.
// Readings of the contract stated here, where its comments leave room:
// - Times are kept to the second; created_* and updated_* come from the change, not the rule.
// - A delete returns the rule as it was; its history row has version + 1 and no `after`.
// - Only live rules hold an origin: once deleted, the origin may be created again.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_keyword_store.h"
#include "tests/storage/keyword_test_support.h"
#include "tests/storage/store_test_support.h"
#include "tests/support/memory_keyword_store.h"

namespace groupdesk::storage::sqlite {
namespace {

using keywords::Hit;
using keywords::KeywordStore;
using keywords::Rule;
using keywords::RuleChange;
using keywords::RuleVersion;
using std::chrono::milliseconds;
using namespace keyword_test;

struct Backend {
    std::unique_ptr<store_test::TempDir> dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<KeywordStore> store;  // declared after the database: closes first
    std::function<std::size_t(Backend&)> hit_count;
};

std::size_t sqlite_hit_count(Backend& backend) {
    auto conn = backend.db->connect(Database::Access::ReadOnly);
    EXPECT_TRUE(conn.ok());
    if (!conn.ok()) return 0;
    return static_cast<std::size_t>(
        (*conn)->execAndGet("SELECT count(*) FROM keyword_hits").getInt64());
}

Backend memory_backend() {
    return Backend{nullptr, nullptr, std::make_unique<test::MemoryKeywordStore>(), [](Backend& b) {
                       return static_cast<test::MemoryKeywordStore&>(*b.store).hits().size();
                   }};
}

Backend sqlite_backend() {
    Backend backend;
    backend.dir = std::make_unique<store_test::TempDir>();
    backend.db = store_test::open_db(backend.dir->file("keywords.db"));
    backend.hit_count = &sqlite_hit_count;
    if (!backend.db) return backend;
    auto store = SqliteKeywordStore::open(*backend.db);
    EXPECT_TRUE(store.ok());
    if (store.ok()) backend.store = std::move(*store);
    return backend;
}

struct BackendParam {
    std::string name;
    Backend (*make)();
};

void PrintTo(const BackendParam& param, std::ostream* os) { *os << param.name; }

class KeywordStoreContract : public ::testing::TestWithParam<BackendParam> {
protected:
    void SetUp() override {
        backend_ = GetParam().make();
        ASSERT_TRUE(backend_.store);
    }
    KeywordStore& store() { return *backend_.store; }

    std::vector<Rule> apply_ok(const std::vector<RuleChange>& changes) {
        auto rules = store().apply(changes);
        EXPECT_TRUE(rules.ok()) << (rules.ok() ? "" : rules.error().message);
        return rules.ok() ? *rules : std::vector<Rule>{};
    }
    Rule create_ok(Rule rule, keywords::time_point when = kT) {
        auto rules = apply_ok({change(Op::Create, std::move(rule), "admin", when)});
        return rules.empty() ? Rule{} : rules.front();
    }
    std::vector<Rule> load_ok() {
        auto rules = store().load();
        EXPECT_TRUE(rules.ok()) << (rules.ok() ? "" : rules.error().message);
        return rules.ok() ? *rules : std::vector<Rule>{};
    }
    std::vector<RuleVersion> history_ok(std::int64_t id) {
        auto versions = store().history(id);
        EXPECT_TRUE(versions.ok()) << (versions.ok() ? "" : versions.error().message);
        return versions.ok() ? *versions : std::vector<RuleVersion>{};
    }
    ErrorCode apply_error(const std::vector<RuleChange>& changes) {
        auto rules = store().apply(changes);
        EXPECT_FALSE(rules.ok());
        return rules.ok() ? ErrorCode::Internal : rules.error().code;
    }
    std::string snapshot() {
        std::string all;
        for (const Rule& r : load_ok()) all += describe(r) + "\n";
        return all;
    }

    Backend backend_;
};

TEST_P(KeywordStoreContract, ACreatedRuleLoadsWithEveryField) {
    const Rule sent = full_rule();
    auto created = apply_ok({change(Op::Create, sent, "import", kT + milliseconds(900)),
                             change(Op::Create, plain_rule("发票"), "zhangsan", kT)});
    ASSERT_EQ(created.size(), 2u);
    const Rule& a = created[0];
    EXPECT_GT(a.id, 0);
    EXPECT_GT(created[1].id, a.id);
    EXPECT_EQ(a.version, 1);
    Rule expected = sent;
    expected.id = a.id;
    expected.version = 1;
    expected.created_by = expected.updated_by = "import";
    expected.created_at = expected.updated_at = kT;  // to the second
    EXPECT_EQ(describe(a), describe(expected));

    auto loaded = load_ok();
    ASSERT_EQ(loaded.size(), 2u);
    EXPECT_EQ(describe(loaded[0]), describe(a));
    EXPECT_EQ(describe(loaded[1]), describe(created[1]));
    EXPECT_FALSE(loaded[1].news);
    EXPECT_FALSE(loaded[1].active_hours);
    EXPECT_TRUE(loaded[1].scope.everywhere());

    auto versions = history_ok(a.id);
    ASSERT_EQ(versions.size(), 1u);
    EXPECT_EQ(versions[0].op, Op::Create);
    EXPECT_EQ(versions[0].version, 1);
    EXPECT_EQ(versions[0].actor, "import");
    EXPECT_EQ(versions[0].at, kT);
    EXPECT_FALSE(versions[0].before);
    EXPECT_EQ(describe(versions[0].after), describe(a));
}

TEST_P(KeywordStoreContract, AnUpdateWithTheStoredVersionMakesTheNext) {
    const Rule created = create_ok(full_rule());
    Rule edit = created;
    edit.keywords = {"退货"};
    edit.news.reset();
    edit.active_hours.reset();
    edit.enabled = true;
    auto updated = apply_ok({change(Op::Update, edit, "lisi", kT + std::chrono::hours(1))});
    ASSERT_EQ(updated.size(), 1u);
    const Rule& u = updated[0];
    EXPECT_EQ(u.version, 2);
    EXPECT_EQ(u.created_by, "admin");
    EXPECT_EQ(u.created_at, kT);
    EXPECT_EQ(u.updated_by, "lisi");
    EXPECT_EQ(u.updated_at, kT + std::chrono::hours(1));
    EXPECT_EQ(u.keywords, std::vector<std::string>{"退货"});
    auto loaded = load_ok();
    ASSERT_EQ(loaded.size(), 1u);
    EXPECT_EQ(describe(loaded[0]), describe(u));

    auto versions = history_ok(created.id);
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions[1].op, Op::Update);
    EXPECT_EQ(versions[1].version, 2);
    EXPECT_EQ(versions[1].actor, "lisi");
    EXPECT_EQ(describe(versions[1].before), describe(created));
    EXPECT_EQ(describe(versions[1].after), describe(u));
}

TEST_P(KeywordStoreContract, AStaleVersionIsAbortedAndNothingChanges) {
    const Rule a = create_ok(plain_rule("a"));
    const Rule b = create_ok(plain_rule("b"));
    Rule edit = a;
    edit.reply = "newer";
    ASSERT_EQ(apply_ok({change(Op::Update, edit)}).size(), 1u);
    const std::string before = snapshot();

    edit.reply = "lost";  // still version 1
    EXPECT_EQ(apply_error({change(Op::Update, edit)}), ErrorCode::Aborted);
    EXPECT_EQ(apply_error({change(Op::Delete, a)}), ErrorCode::Aborted);
    // The second change of a batch: the first, fine alone, is not kept either.
    Rule good = b;
    good.reply = "kept?";
    EXPECT_EQ(apply_error({change(Op::Update, good), change(Op::Update, edit)}),
              ErrorCode::Aborted);
    EXPECT_EQ(apply_error({change(Op::Create, plain_rule("c")), change(Op::Delete, a)}),
              ErrorCode::Aborted);
    EXPECT_EQ(snapshot(), before);
    EXPECT_EQ(history_ok(a.id).size(), 2u);
    EXPECT_EQ(history_ok(b.id).size(), 1u);
    EXPECT_TRUE(history_ok(b.id + 1).empty());
}

TEST_P(KeywordStoreContract, ADeletedRuleIsGoneButItsHistoryStays) {
    const Rule a = create_ok(plain_rule("a"));
    const Rule b = create_ok(plain_rule("b"));
    auto deleted = apply_ok({change(Op::Delete, a, "lisi", kT + std::chrono::minutes(5))});
    ASSERT_EQ(deleted.size(), 1u);
    EXPECT_EQ(describe(deleted[0]), describe(a));
    auto loaded = load_ok();
    ASSERT_EQ(loaded.size(), 1u);
    EXPECT_EQ(loaded[0].id, b.id);

    auto versions = history_ok(a.id);
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions[1].op, Op::Delete);
    EXPECT_EQ(versions[1].version, 2);
    EXPECT_EQ(versions[1].actor, "lisi");
    EXPECT_EQ(versions[1].at, kT + std::chrono::minutes(5));
    EXPECT_EQ(describe(versions[1].before), describe(a));
    EXPECT_FALSE(versions[1].after);
    // Gone for good: neither changed nor deleted again, and its id is not handed out again.
    EXPECT_EQ(apply_error({change(Op::Update, a)}), ErrorCode::NotFound);
    EXPECT_EQ(apply_error({change(Op::Delete, a)}), ErrorCode::NotFound);
    EXPECT_GT(create_ok(plain_rule("c")).id, b.id);
}

TEST_P(KeywordStoreContract, AnUnknownIdIsNotFound) {
    const Rule a = create_ok(plain_rule("a"));
    Rule ghost = plain_rule("ghost");
    ghost.id = a.id + 100;
    ghost.version = 1;
    EXPECT_EQ(apply_error({change(Op::Update, ghost)}), ErrorCode::NotFound);
    EXPECT_EQ(apply_error({change(Op::Delete, ghost)}), ErrorCode::NotFound);
    EXPECT_EQ(apply_error({change(Op::Update, a), change(Op::Delete, ghost)}), ErrorCode::NotFound);
    EXPECT_TRUE(history_ok(ghost.id).empty());
    EXPECT_EQ(history_ok(a.id).size(), 1u);
}

TEST_P(KeywordStoreContract, AnOriginBelongsToOneLiveRule) {
    Rule imported = plain_rule("a");
    imported.origin = "mp:main:退款";
    const Rule first = create_ok(imported);
    EXPECT_EQ(apply_error({change(Op::Create, imported)}), ErrorCode::AlreadyExists);
    Rule other = plain_rule("b");
    other.origin = "mp:main:发票";
    EXPECT_EQ(apply_error({change(Op::Create, other), change(Op::Create, other)}),
              ErrorCode::AlreadyExists);
    EXPECT_EQ(load_ok().size(), 1u);
    // Rules written here have no origin, and any number of them may exist.
    create_ok(plain_rule("c"));
    create_ok(plain_rule("d"));
    // An update may not take another rule's origin either.
    const Rule second = create_ok(other);
    Rule moved = second;
    moved.origin = imported.origin;
    EXPECT_EQ(apply_error({change(Op::Update, moved)}), ErrorCode::AlreadyExists);
    // Once the rule is deleted, an import may create it again.
    ASSERT_EQ(apply_ok({change(Op::Delete, first)}).size(), 1u);
    EXPECT_GT(create_ok(imported).id, first.id);
}

TEST_P(KeywordStoreContract, HistoryIsOldestFirst) {
    const Rule a = create_ok(plain_rule("a"));
    Rule current = a;
    for (int i = 0; i < 3; ++i) {
        current.reply = "reply " + std::to_string(i);
        auto updated = apply_ok({change(Op::Update, current, "u" + std::to_string(i),
                                        kT + std::chrono::seconds(i + 1))});
        ASSERT_EQ(updated.size(), 1u);
        current = updated[0];
    }
    ASSERT_EQ(apply_ok({change(Op::Delete, current)}).size(), 1u);
    auto versions = history_ok(a.id);
    ASSERT_EQ(versions.size(), 5u);
    for (std::size_t i = 0; i < versions.size(); ++i) {
        EXPECT_EQ(versions[i].rule_id, a.id);
        EXPECT_EQ(versions[i].version, static_cast<int>(i) + 1);
        if (i > 0) {
            EXPECT_EQ(describe(versions[i].before), describe(versions[i - 1].after));
        }
    }
    EXPECT_EQ(versions[0].op, Op::Create);
    EXPECT_EQ(versions[2].op, Op::Update);
    EXPECT_EQ(versions[2].actor, "u1");
    EXPECT_EQ(versions[4].op, Op::Delete);
}

TEST_P(KeywordStoreContract, ConcurrentUpdatesOfOneVersionHaveOneWinner) {
    const Rule a = create_ok(plain_rule("a"));
    constexpr int kThreads = 4;
    std::atomic<int> won{0};
    std::atomic<int> aborted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            Rule edit = a;
            edit.reply = "thread " + std::to_string(t);
            auto result = store().apply({change(Op::Update, edit)});
            if (result.ok()) ++won;
            if (!result.ok() && result.error().code == ErrorCode::Aborted) ++aborted;
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(won.load(), 1);
    EXPECT_EQ(aborted.load(), kThreads - 1);
    EXPECT_EQ(history_ok(a.id).size(), 2u);
}

TEST_P(KeywordStoreContract, EachHitIsRecordedAndReportedOnce) {
    constexpr int kHits = 10;
    auto reports = std::make_unique<std::atomic<int>[]>(kHits);
    std::atomic<int> failures{0};
    for (int i = 0; i < kHits; ++i) {
        store().record_hit(Hit{1, "bot", "群聊" + std::to_string(i), "zhangsan", kT},
                           [&, i](const Status& s) {
                               if (!s.ok()) ++failures;
                               reports[i].fetch_add(1);
                           });
    }
    // `done` reports durability: every hit is countable once all have reported.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto all_reported = [&] {
        for (int i = 0; i < kHits; ++i) {
            if (reports[i].load() == 0) return false;
        }
        return true;
    };
    while (!all_reported() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(milliseconds(5));
    }
    EXPECT_EQ(backend_.hit_count(backend_), static_cast<std::size_t>(kHits));
    backend_.store.reset();  // settles whatever is queued: a second report would show by now
    EXPECT_EQ(failures.load(), 0);
    for (int i = 0; i < kHits; ++i) EXPECT_EQ(reports[i].load(), 1) << i;
}

INSTANTIATE_TEST_SUITE_P(Backends, KeywordStoreContract,
                         ::testing::Values(BackendParam{"memory", &memory_backend},
                                           BackendParam{"sqlite", &sqlite_backend}),
                         [](const auto& info) { return info.param.name; });

TEST(MemoryKeywordStore, AFailingStoreReportsUnavailable) {
    test::MemoryKeywordStore store;
    store.set_unavailable(true);
    auto created = store.apply({change(Op::Create, plain_rule("a"))});
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error().code, ErrorCode::Unavailable);
    EXPECT_FALSE(store.load().ok());
    EXPECT_FALSE(store.history(1).ok());
    int reports = 0;
    store.record_hit(Hit{1, "bot", "group1", "zhangsan", kT}, [&](const Status& s) {
        EXPECT_EQ(s.ok() ? ErrorCode::Internal : s.error().code, ErrorCode::Unavailable);
        ++reports;
    });
    EXPECT_EQ(reports, 1);
    store.set_unavailable(false);
    auto loaded = store.load();
    ASSERT_TRUE(loaded.ok());
    EXPECT_TRUE(loaded->empty());
    EXPECT_TRUE(store.hits().empty());
}

}  // namespace
}  // namespace groupdesk::storage::sqlite
