// Benchmarks of the SQLite ticket store's reads on 100,000 tickets: a group's open tickets, a
// deep page through the cursor, and text search with and without the trigram index.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_ticket_store.h"
#include "storage/sqlite/writer.h"
#include "tickets/ticket_store.h"

namespace {

using groupdesk::Status;
using groupdesk::storage::sqlite::Database;
using groupdesk::storage::sqlite::SqliteTicketStore;
using groupdesk::storage::sqlite::WriteContext;
namespace tickets = groupdesk::tickets;

constexpr int kTickets = 100'000;
constexpr int kPerJob = 10'000;  // a few large jobs: one fsync each
constexpr int kGroups = 5;

// Titles as people write them in a support chat: Chinese, English and mixed.
const char* const kTitles[] = {
    "打印机卡纸",          "三楼打印机离线",         "网络很慢",
    "VPN 连不上",          "Outlook 收不到邮件",     "会议室投影仪坏了",
    "报销流程咨询",        "新员工电脑申请",         "Printer offline on 3F",
    "Cannot login to ERP", "Wi-Fi drops every hour", "企业微信消息延迟",
    "显示器闪屏",          "Need a new keyboard",    "考勤打卡异常",
    "Password reset",      "共享盘权限申请",         "笔记本电脑很卡 laptop slow",
    "门禁卡失效",          "Excel macro error",
};
const char* const kDetails[] = {
    "从今天早上开始就这样了。",
    "It started after the update last night.",
    "重启之后还是不行，麻烦尽快处理。",
    "Several colleagues in the same room have the same problem.",
    "急，下午有客户来访。",
    "Error code 0x80070005 shows up.",
    "已经试过换网线。",
    "Please call me at extension 8021.",
};
const char* const kComments[] = {
    "已收到，正在处理。",     "Please try again now.",
    "需要更换硒鼓，已下单。", "Escalated to the network team.",
    "用户确认已恢复。",
};

std::string make_temp_dir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "groupdesk-ticket-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

tickets::TicketChange make_change(std::int64_t number, std::mt19937& rng) {
    auto pick = [&rng](const auto& list) {
        return list[std::uniform_int_distribution<std::size_t>(0, std::size(list) - 1)(rng)];
    };
    const int roll = std::uniform_int_distribution<int>(0, 99)(rng);
    tickets::TicketChange change;
    tickets::Ticket& t = change.ticket;
    t.number = number;
    t.title = pick(kTitles);
    t.description = std::string(pick(kDetails)) + " " + pick(kDetails);
    t.category = "IT";
    t.status = roll < 25   ? tickets::TicketStatus::Open
               : roll < 40 ? tickets::TicketStatus::InProgress
               : roll < 70 ? tickets::TicketStatus::Resolved
                           : tickets::TicketStatus::Closed;
    t.reporter = "user" + std::to_string(number % 997);
    t.assignee = roll < 25 ? "" : "agent" + std::to_string(number % 7);
    t.channel = "it-support";
    t.group = "group" + std::to_string(number % kGroups);
    t.created_at = std::chrono::system_clock::time_point{std::chrono::seconds{1'700'000'000}} +
                   std::chrono::minutes{number};
    t.updated_at = t.created_at;
    t.revision = 1;
    tickets::TicketEvent created;
    created.at = t.created_at;
    created.actor = t.reporter;
    created.action = tickets::EventAction::Create;
    change.events.push_back(created);
    if (number % 4 == 0) {  // some tickets were discussed
        tickets::TicketEvent comment = created;
        comment.actor = "agent1";
        comment.actor_role = tickets::ActorRole::Agent;
        comment.action = tickets::EventAction::Comment;
        comment.note = pick(kComments);
        change.events.push_back(comment);
    }
    return change;
}

// One database for every benchmark, filled on first use and removed at exit.
struct Fixture {
    std::string dir = make_temp_dir();
    std::unique_ptr<Database> db;
    std::unique_ptr<SqliteTicketStore> store;

    Fixture() {
        auto opened = Database::open(dir + "/tickets.db");
        if (!opened) throw std::runtime_error(opened.error().message);
        db = std::move(*opened);
        auto made = SqliteTicketStore::open(*db);
        if (!made) throw std::runtime_error(made.error().message);
        store = std::move(*made);
        std::mt19937 rng(42);
        for (int first = 1; first <= kTickets; first += kPerJob) {
            const Status status = db->writer().run_status([&](WriteContext& w) -> Status {
                for (int n = first; n < first + kPerJob; ++n) {
                    auto applied = store->apply_in(w, make_change(n, rng));
                    if (!applied.ok()) return applied;
                }
                return groupdesk::ok_status();
            });
            if (!status.ok()) throw std::runtime_error(status.error().message);
        }
        // As the server's SearchIndexer does a second after the creations: all indexed.
        for (;;) {
            auto indexed = store->index_pending(10'000);
            if (!indexed) throw std::runtime_error(indexed.error().message);
            if (*indexed == 0) break;
        }
    }
    ~Fixture() {
        store.reset();
        db.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void run_list(benchmark::State& state, const tickets::TicketQuery& query) {
    SqliteTicketStore& store = *fixture().store;
    std::size_t found = 0;
    for (auto _ : state) {
        auto page = store.list(query);
        if (!page.ok()) {
            state.SkipWithError(page.error().message.c_str());
            break;
        }
        found = page->total.value_or(page->tickets.size());
        benchmark::DoNotOptimize(page);
    }
    state.counters["matches"] = static_cast<double>(found);
}

tickets::TicketQuery open_of_group() {
    tickets::TicketQuery q;
    q.statuses = {tickets::TicketStatus::Open};
    q.channel = "it-support";
    q.group = "group2";
    q.limit = 10;
    return q;
}

void BM_ListOpenOfGroup(benchmark::State& state) {
    tickets::TicketQuery q = open_of_group();
    q.with_total = true;
    run_list(state, q);
}
BENCHMARK(BM_ListOpenOfGroup)->Unit(benchmark::kMicrosecond);

void BM_ListPage50DeepByCursor(benchmark::State& state) {
    tickets::TicketQuery q = open_of_group();
    for (int page = 0; page < 50; ++page) {  // walk there once, as a client would
        auto result = fixture().store->list(q);
        if (!result.ok() || !result->next_after) {
            state.SkipWithError("fewer than 50 pages");
            return;
        }
        q.after = result->next_after;
    }
    run_list(state, q);
}
BENCHMARK(BM_ListPage50DeepByCursor)->Unit(benchmark::kMicrosecond);

// Arg: with_total (0 or 1): a total counts every match, the page only the first ten.
void search(benchmark::State& state, const char* text) {
    tickets::TicketQuery q;
    q.text = text;
    q.limit = 10;
    q.with_total = state.range(0) != 0;
    run_list(state, q);
}

void BM_TextChinese2Chars(benchmark::State& state) { search(state, "打印"); }
void BM_TextChinese3Chars(benchmark::State& state) { search(state, "打印机"); }
void BM_TextEnglish(benchmark::State& state) { search(state, "printer"); }
void BM_TextChinese2CharsRare(benchmark::State& state) { search(state, "硒鼓"); }
BENCHMARK(BM_TextChinese2Chars)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TextChinese3Chars)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TextEnglish)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TextChinese2CharsRare)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
