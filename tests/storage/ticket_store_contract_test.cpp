// The TicketStore contract (tickets/ticket_store.h), run against every backend (memory, SQLite).
// Readings of the contract stated here, where its comments leave room:
// - Times are kept to the second.
// - CommandRecord::ticket is stored as the caller gave it.
// - TicketPage::total counts every match of the filters, wherever the cursor stands.
// - `text` matches the title, the description and the notes of Comment events only (not the
//   note given with resolve/close/reopen). ASCII letters match either case; other scripts match
//   exactly (SQLite's index may also fold other letters' case: not part of the contract).
//   Queries of 1 and 2 characters match like longer ones, although SQLite's trigram index
//   cannot serve them (it scans instead): both lengths are tested.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_ticket_store.h"
#include "tests/storage/store_backends.h"
#include "tests/storage/ticket_test_support.h"
#include "tests/support/memory_ticket_store.h"

// Queries below name only the fields they set (designated initializers); the rest keep their
// defaults, which is what GCC's -Wmissing-field-initializers warns about.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace groupdesk::storage::sqlite {
namespace {

using namespace ticket_test;

using Backend = store_test::Backend<TicketStore>;
using BackendParam = store_test::BackendParam<TicketStore>;
constexpr auto memory_backend = &store_test::memory_backend<TicketStore, test::MemoryTicketStore>;
constexpr auto sqlite_backend = &store_test::sqlite_backend<TicketStore, SqliteTicketStore>;

class TicketStoreContract : public ::testing::TestWithParam<BackendParam> {
protected:
    void SetUp() override {
        backend_ = GetParam().make();
        ASSERT_TRUE(backend_.store);
    }
    TicketStore& store() { return *backend_.store; }

    // A new ticket, through reserve_number() as the service does.
    Ticket create(Ticket t) {
        t.number = reserve(store());
        EXPECT_TRUE(apply_and_wait(store(), create_change(t)).ok());
        return t;
    }

    Backend backend_;
};

TEST_P(TicketStoreContract, CreateRoundTripsEveryField) {
    Ticket t = make_ticket(reserve(store()));
    t.assignee = "王五";
    t.group_kind = GroupKind::User;
    t.status = TicketStatus::Resolved;
    t.priority = Priority::Urgent;
    t.first_response_at = at(1'700'000'100);
    t.resolved_at = at(1'700'000'200);
    t.closed_at = at(1'700'000'300);
    TicketChange change = create_change(t);
    TicketEvent edit = make_event(EventAction::Edit);
    edit.field = "title";
    edit.from = "旧标题";
    edit.to = "新标题 \"quoted\"\n";
    edit.note = "备注";
    edit.actor_role = ActorRole::Admin;
    change.events.push_back(edit);
    ASSERT_TRUE(apply_and_wait(store(), change).ok());

    auto found = find_ok(store(), t.number);
    ASSERT_TRUE(found);
    expect_same(*found, t);
    auto events = events_ok(store(), t.number);
    ASSERT_EQ(events.size(), 2u);
    expect_same(events[0], change.events[0]);
    expect_same(events[1], edit);
    EXPECT_EQ(events[0].ticket, t.number);  // filled in by the store
    EXPECT_EQ(events[1].ticket, t.number);
    EXPECT_LT(events[0].id, events[1].id);

    // Optional times unset stay unset.
    Ticket plain = create(make_ticket(0, "网络很慢"));
    auto found_plain = find_ok(store(), plain.number);
    ASSERT_TRUE(found_plain);
    expect_same(*found_plain, plain);
    EXPECT_FALSE(found_plain->first_response_at);

    EXPECT_EQ(find_ok(store(), 9999), std::nullopt);
    EXPECT_TRUE(events_ok(store(), 9999).empty());
}

TEST_P(TicketStoreContract, ReserveNumberIsDistinctAcrossThreadsAndAboveStoredOnes) {
    // A ticket stored under a number reserve_number() did not hand out still raises it.
    ASSERT_TRUE(apply_and_wait(store(), create_change(make_ticket(500))).ok());
    constexpr int kThreads = 4;
    constexpr int kPerThread = 200;
    std::vector<std::vector<std::int64_t>> got(kThreads);
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            for (int n = 0; n < kPerThread; ++n) got[i].push_back(reserve(store()));
        });
    }
    for (auto& thread : threads) thread.join();
    std::set<std::int64_t> all;
    for (const auto& numbers : got) all.insert(numbers.begin(), numbers.end());
    EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
    EXPECT_GT(*all.begin(), 500);
}

TEST_P(TicketStoreContract, CreateOfAnExistingNumberIsRefusedWhole) {
    const Ticket first = create(make_ticket(0, "第一张"));
    TicketChange again = create_change(make_ticket(first.number, "第二张"));
    again.command = CommandRecord{"app|dup", first.number, "已创建"};
    const Status status = apply_and_wait(store(), again);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(find_ok(store(), first.number)->title, "第一张");
    EXPECT_EQ(events_ok(store(), first.number).size(), 1u);
    auto command = store().find_command("app|dup");
    ASSERT_TRUE(command.ok());
    EXPECT_EQ(*command, std::nullopt);
}

TEST_P(TicketStoreContract, ChangeWithoutEventsIsRefused) {
    TicketChange change = create_change(make_ticket(reserve(store())));
    change.events.clear();
    const Status status = apply_and_wait(store(), change);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::InvalidArgument);
    EXPECT_EQ(find_ok(store(), change.ticket.number), std::nullopt);
}

TEST_P(TicketStoreContract, UpdateAppliesOnTheExpectedRevisionOnly) {
    const Ticket t = create(make_ticket(0));
    Ticket started = t;
    started.status = TicketStatus::InProgress;
    started.assignee = "lisi";
    started.first_response_at = at(1'700'000'600);
    ASSERT_TRUE(
        apply_and_wait(store(), update_change(started, make_event(EventAction::Start))).ok());
    auto now = find_ok(store(), t.number);
    ASSERT_TRUE(now);
    EXPECT_EQ(now->revision, 2);
    EXPECT_EQ(now->status, TicketStatus::InProgress);
    EXPECT_EQ(now->first_response_at, at(1'700'000'600));

    // Decided on revision 1, which is gone: refused, and nothing of it is visible.
    Ticket stale = t;
    stale.title = "过期的修改";
    TicketChange change = update_change(stale, make_event(EventAction::Comment, "看不见"));
    change.command = CommandRecord{"app|stale", t.number, "不应记录"};
    const Status status = apply_and_wait(store(), change);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::Aborted);
    now = find_ok(store(), t.number);
    EXPECT_EQ(now->title, t.title);
    EXPECT_EQ(now->revision, 2);
    EXPECT_EQ(events_ok(store(), t.number).size(), 2u);
    EXPECT_EQ(*store().find_command("app|stale"), std::nullopt);
}

TEST_P(TicketStoreContract, UpdateOfAMissingNumberIsNotFound) {
    const Status status =
        apply_and_wait(store(), update_change(make_ticket(777), make_event(EventAction::Start)));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::NotFound);
    EXPECT_TRUE(events_ok(store(), 777).empty());
}

TEST_P(TicketStoreContract, AKnownCommandIsNotAppliedTwice) {
    Ticket t = make_ticket(reserve(store()));
    TicketChange first = create_change(t);
    first.command = CommandRecord{"app|msg-1", t.number, "已创建工单 #1"};
    ASSERT_TRUE(apply_and_wait(store(), first).ok());

    // The platform's retry, decided again: ok, and nothing changes.
    Ticket retried = t;
    retried.title = "重试";
    TicketChange update = update_change(retried, make_event(EventAction::Edit));
    update.command = CommandRecord{"app|msg-1", t.number, "另一个回复"};
    ASSERT_TRUE(apply_and_wait(store(), update).ok());
    TicketChange create_again = create_change(make_ticket(reserve(store())));
    create_again.command = CommandRecord{"app|msg-1", create_again.ticket.number, "又一个"};
    ASSERT_TRUE(apply_and_wait(store(), create_again).ok());

    EXPECT_EQ(find_ok(store(), t.number)->revision, 1);
    EXPECT_EQ(find_ok(store(), t.number)->title, t.title);
    EXPECT_EQ(events_ok(store(), t.number).size(), 1u);
    EXPECT_EQ(find_ok(store(), create_again.ticket.number), std::nullopt);
    auto command = store().find_command("app|msg-1");
    ASSERT_TRUE(command.ok());
    ASSERT_TRUE(*command);
    EXPECT_EQ((*command)->source_key, "app|msg-1");
    EXPECT_EQ((*command)->ticket, t.number);
    EXPECT_EQ((*command)->reply, "已创建工单 #1");
    EXPECT_EQ(*store().find_command("app|msg-2"), std::nullopt);
}

TEST_P(TicketStoreContract, ChangesFromSeveralThreadsAtOnce) {
    constexpr int kThreads = 4;
    constexpr int kPerThread = 25;
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    std::atomic<int> failures{0};
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&] {
            for (int n = 0; n < kPerThread; ++n) {
                Ticket t = make_ticket(reserve(store()));
                if (!apply_and_wait(store(), create_change(t)).ok()) ++failures;
                if (!find_ok(store(), t.number)) ++failures;  // durable means visible
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(failures.load(), 0);
    TicketQuery all;
    all.with_total = true;
    EXPECT_EQ(list_ok(store(), all).total, static_cast<std::size_t>(kThreads * kPerThread));
}

// Ten tickets, #1 (oldest) to #10, across two channels, three groups and every status.
class TicketListContract : public TicketStoreContract {
protected:
    void SetUp() override {
        TicketStoreContract::SetUp();
        if (HasFatalFailure()) return;
        const TicketStatus statuses[] = {TicketStatus::Open, TicketStatus::InProgress,
                                         TicketStatus::Resolved, TicketStatus::Closed};
        std::vector<TicketChange> changes;
        for (int i = 1; i <= 10; ++i) {
            Ticket t = make_ticket(reserve(store()), "工单 " + std::to_string(i));
            t.description = "描述";
            t.status = statuses[i % 4];
            t.channel = i <= 6 ? "it" : "hr";
            t.group = i <= 3 ? "g1" : (i <= 6 ? "g2" : "g3");
            t.reporter = i % 2 == 0 ? "alice" : "bob";
            t.assignee = i % 3 == 0 ? "alice" : (i % 3 == 1 ? "carol" : "");
            changes.push_back(create_change(t));
        }
        for (const Status& s : apply_all(store(), changes)) ASSERT_TRUE(s.ok());
    }
    std::vector<std::int64_t> list(TicketQuery q) {
        q.limit = kMaxPageSize;
        return numbers(list_ok(store(), q));
    }
};

TEST_P(TicketListContract, EachFilterNewestFirst) {
    using V = std::vector<std::int64_t>;
    EXPECT_EQ(list({}), (V{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));
    EXPECT_EQ(list({.statuses = {TicketStatus::Open}}), (V{8, 4}));
    EXPECT_EQ(list({.statuses = {TicketStatus::Closed, TicketStatus::InProgress}}),
              (V{9, 7, 5, 3, 1}));
    EXPECT_EQ(list({.channel = "hr"}), (V{10, 9, 8, 7}));
    EXPECT_EQ(list({.channel = "it", .group = "g2"}), (V{6, 5, 4}));
    EXPECT_EQ(list({.channel = "hr", .group = "g2"}), V{});
    EXPECT_EQ(list({.assignee = "alice"}), (V{9, 6, 3}));
    EXPECT_EQ(list({.reporter = "bob"}), (V{9, 7, 5, 3, 1}));
    EXPECT_EQ(list({.involving = "alice"}), (V{10, 9, 8, 6, 4, 3, 2}));
    EXPECT_EQ(list({.statuses = {TicketStatus::Open, TicketStatus::InProgress},
                    .channel = "it",
                    .involving = "carol"}),
              (V{4, 1}));
}

TEST_P(TicketListContract, PagesFollowTheCursorWithoutGapsOrDuplicates) {
    TicketQuery q{.limit = 4, .with_total = true};
    std::vector<std::int64_t> seen;
    std::vector<std::size_t> sizes;
    for (int page_no = 0; page_no < 5; ++page_no) {
        const TicketPage page = list_ok(store(), q);
        EXPECT_EQ(page.total, 10u);
        sizes.push_back(page.tickets.size());
        for (auto n : numbers(page)) seen.push_back(n);
        if (!page.next_after) break;
        EXPECT_EQ(*page.next_after, page.tickets.back().number);
        q.after = page.next_after;
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{4, 4, 2}));
    EXPECT_EQ(seen, (std::vector<std::int64_t>{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));

    // A page that ends exactly at the last match has no next one; total only when asked.
    const TicketPage exact = list_ok(store(), {.channel = "hr", .limit = 4});
    EXPECT_EQ(numbers(exact).size(), 4u);
    EXPECT_FALSE(exact.next_after);
    EXPECT_FALSE(exact.total);
}

TEST_P(TicketListContract, LimitIsClampedToOneToMaxPageSize) {
    const TicketPage one = list_ok(store(), {.limit = 0});
    EXPECT_EQ(numbers(one), std::vector<std::int64_t>{10});
    EXPECT_EQ(one.next_after, 10);
    const TicketPage all = list_ok(store(), {.limit = 100'000});
    EXPECT_EQ(all.tickets.size(), 10u);
    EXPECT_FALSE(all.next_after);
}

class TicketTextContract : public TicketStoreContract {
protected:
    void SetUp() override {
        TicketStoreContract::SetUp();
        if (HasFatalFailure()) return;
        Ticket printer = make_ticket(reserve(store()), "打印机卡纸");
        printer.description = "三楼";
        Ticket network = make_ticket(reserve(store()), "网络问题");
        network.description = "The Network is SLOW since Monday";
        Ticket toner = make_ticket(reserve(store()), "其他");
        toner.description = "无";
        Ticket other = make_ticket(reserve(store()), "会议室");
        other.description = "投影仪";
        for (const Status& s : apply_all(store(), {create_change(printer), create_change(network),
                                                   create_change(toner), create_change(other)})) {
            ASSERT_TRUE(s.ok());
        }
        toner_ = toner;
        const TicketEvent comment = make_event(EventAction::Comment, "需要更换墨盒 Toner");
        ASSERT_TRUE(apply_and_wait(store(), update_change(toner, comment)).ok());
        toner_.revision = 2;
        Ticket resolved = other;
        resolved.status = TicketStatus::Resolved;
        const TicketEvent resolve = make_event(EventAction::Resolve, "重启解决了");
        ASSERT_TRUE(apply_and_wait(store(), update_change(resolved, resolve)).ok());
    }
    std::vector<std::int64_t> search(std::string text) {
        return numbers(list_ok(store(), {.text = std::move(text)}));
    }
    Ticket toner_;
};

TEST_P(TicketTextContract, MatchesTitleDescriptionAndComments) {
    using V = std::vector<std::int64_t>;
    EXPECT_EQ(search("打印"), V{1});  // 2 characters
    EXPECT_EQ(search("打印机"), V{1});
    EXPECT_EQ(search("网络"), V{2});
    EXPECT_EQ(search("network"), V{2});  // description, other case
    EXPECT_EQ(search("SLOW SINCE"), V{2});
    EXPECT_EQ(search("墨盒"), V{3});  // comment, 2 characters
    EXPECT_EQ(search("更换墨盒"), V{3});
    EXPECT_EQ(search("tONER"), V{3});
    EXPECT_EQ(search("三"), V{1});
    EXPECT_EQ(search("重启解决"), V{});  // a resolve note is not a comment
    EXPECT_EQ(search("不存在的词"), V{});
    EXPECT_EQ(search("a\"b"), V{});  // quotes are text, not syntax
    EXPECT_EQ(search("%"), V{});
    const TicketPage page = list_ok(
        store(), {.statuses = {TicketStatus::Resolved}, .text = "投影仪", .with_total = true});
    EXPECT_EQ(numbers(page), V{4});
    EXPECT_EQ(page.total, 1u);
    EXPECT_EQ(list_ok(store(), {.statuses = {TicketStatus::Open}, .text = "投影"}).tickets.size(),
              0u);
}

TEST_P(TicketTextContract, FollowsAnEditedTitle) {
    Ticket edited = toner_;
    edited.title = "墨盒没有了";
    ASSERT_TRUE(apply_and_wait(store(), update_change(edited, make_event(EventAction::Edit))).ok());
    EXPECT_EQ(search("没有了"), std::vector<std::int64_t>{3});
    EXPECT_EQ(search("其他"), std::vector<std::int64_t>{});
}

const auto kBackends = ::testing::Values(BackendParam{"memory", memory_backend},
                                         BackendParam{"sqlite", sqlite_backend});
std::string name_of(const ::testing::TestParamInfo<BackendParam>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(Backends, TicketStoreContract, kBackends, name_of);
INSTANTIATE_TEST_SUITE_P(Backends, TicketListContract, kBackends, name_of);
INSTANTIATE_TEST_SUITE_P(Backends, TicketTextContract, kBackends, name_of);

}  // namespace
}  // namespace groupdesk::storage::sqlite
