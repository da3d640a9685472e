// The reply window at 100,000 tracked conversations in the SQLite store: finding the due alerts
// (the worker's read), the earliest alert time (its sleep), one conversation (the gate before a
// send), a page of the windows closing first (the API), and one callback's record (its write).
// The seeding reports the database's size on disk and the process's memory.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_conversation_store.h"
#include "tickets/conversation_store.h"
#include "tickets/reply_window.h"

namespace {

using groupdesk::storage::sqlite::Database;
using groupdesk::storage::sqlite::SqliteConversationStore;
namespace tickets = groupdesk::tickets;
using std::chrono::hours;
using std::chrono::seconds;

constexpr int kConversations = 100'000;
constexpr int kPerCommit = 5'000;
const tickets::time_point kStart = tickets::time_point{seconds{1'800'000'000}};
const tickets::WindowSchedule kSchedule{{hours{24}, hours{6}, hours{1}}, {}};

std::string make_temp_dir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "groupdesk-window-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    return pattern;
}

long rss_kb(const char* field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::string(field).size()));
    }
    return -1;
}

std::string user(int i) { return "oBenchUser" + std::to_string(i); }

// A user's message at `at`, as the callback path records it.
tickets::ConversationUpdate message(int i, tickets::time_point at) {
    const tickets::ConversationKey key{"service-account", user(i)};
    return {key, [key, at,
                  source = "cb-" + std::to_string(i) + "-" +
                           std::to_string(at.time_since_epoch().count())](
                     std::optional<tickets::TrackedConversation>& row) {
                return tickets::apply_action(row, key, tickets::WindowAction::Message, at,
                                             "我的快递三天了还没到，能帮忙查一下吗？", source,
                                             kSchedule);
            }};
}

// 100,000 conversations whose messages are spread over the last 24 hours, and 100 more than 24
// hours old: at kStart those 100 are due for their first alert, the rest later.
constexpr int kDue = 100;
seconds age_of(int i) {
    if (i < kDue) return hours{24} + seconds{i};
    return seconds{static_cast<long long>(kConversations - i) * 86'399 / kConversations};
}
struct Fixture {
    Fixture() {
        dir = make_temp_dir();
        auto opened = Database::open(dir + "/bench.db");
        if (!opened.ok()) throw std::runtime_error(opened.error().message);
        db = std::move(opened).value();
        auto made = SqliteConversationStore::open(*db);
        if (!made.ok()) throw std::runtime_error(made.error().message);
        store = std::move(made).value();
        const long before = rss_kb("VmRSS:");
        for (int first = 0; first < kConversations; first += kPerCommit) {
            std::vector<tickets::ConversationUpdate> updates;
            for (int i = first; i < first + kPerCommit; ++i) {
                updates.push_back(message(i, kStart - age_of(i)));
            }
            auto saved = tickets::update_and_wait(*store, std::move(updates), {}, kStart);
            if (!saved.ok()) throw std::runtime_error(saved.error().message);
        }
        rss_growth_kb = rss_kb("VmRSS:") - before;
        // The file holds little else than the conversations: its size is theirs.
        for (const char* suffix : {"", "-wal"}) {
            std::error_code ec;
            const auto bytes = std::filesystem::file_size(dir + "/bench.db" + suffix, ec);
            if (!ec) database_bytes += static_cast<std::int64_t>(bytes);
        }
    }
    ~Fixture() {
        store.reset();
        db.reset();
        std::filesystem::remove_all(dir);
    }
    std::string dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<SqliteConversationStore> store;
    long rss_growth_kb = 0;
    std::int64_t database_bytes = 0;
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void report_size(benchmark::State& state) {
    state.counters["conversations"] = kConversations;
    state.counters["database_bytes_per_conversation"] =
        static_cast<double>(fixture().database_bytes) / kConversations;
    state.counters["rss_growth_kb_while_seeding"] = static_cast<double>(fixture().rss_growth_kb);
}

void BM_DueAlerts(benchmark::State& state) {
    auto& store = *fixture().store;
    std::size_t found = 0;
    for (auto _ : state) {
        auto due = store.due(kStart, 256);
        if (!due.ok()) state.SkipWithError("due failed");
        found = due->size();
        benchmark::DoNotOptimize(found);
    }
    state.counters["due"] = static_cast<double>(found);
    report_size(state);
}
BENCHMARK(BM_DueAlerts)->Unit(benchmark::kMicrosecond);

void BM_NextAlertTime(benchmark::State& state) {
    auto& store = *fixture().store;
    for (auto _ : state) {
        auto next = store.next_due();
        benchmark::DoNotOptimize(next);
    }
}
BENCHMARK(BM_NextAlertTime)->Unit(benchmark::kMicrosecond);

void BM_FindOne(benchmark::State& state) {
    auto& store = *fixture().store;
    int i = 0;
    for (auto _ : state) {
        auto found = store.find({"service-account", user(i)});
        benchmark::DoNotOptimize(found);
        i = (i + 7919) % kConversations;
    }
}
BENCHMARK(BM_FindOne)->Unit(benchmark::kMicrosecond);

void BM_ClosingFirstPage(benchmark::State& state) {
    auto& store = *fixture().store;
    tickets::ConversationQuery query;
    query.open_at = kStart;
    query.limit = 50;
    for (auto _ : state) {
        auto page = store.list(query);
        benchmark::DoNotOptimize(page);
    }
}
BENCHMARK(BM_ClosingFirstPage)->Unit(benchmark::kMicrosecond);

// One callback's record, alone in its commit (the callback path shares commits): the fsync
// dominates, so this is the upper bound of its cost.
void BM_RecordOneMessage(benchmark::State& state) {
    auto& store = *fixture().store;
    int i = 0;
    auto at = kStart;
    for (auto _ : state) {
        at += seconds{1};
        auto saved = tickets::update_and_wait(store, {message(i, at)}, {}, at);
        if (!saved.ok()) state.SkipWithError("update failed");
        i = (i + 7919) % kConversations;
    }
}
BENCHMARK(BM_RecordOneMessage)->Unit(benchmark::kMicrosecond)->Iterations(2000);

}  // namespace

BENCHMARK_MAIN();
