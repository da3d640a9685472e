// PeriodicWorker: runs by a fake clock's time, early when poked, contained when it throws.
#include "common/periodic_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/fake_clock.h"

namespace groupdesk {
namespace {

using namespace std::chrono_literals;

const Clock::time_point kStart = from_unix_seconds(1'700'000'000);
constexpr auto kInterval = std::chrono::minutes{1};
// Generous: only a broken worker makes a test wait this long.
constexpr auto kBound = std::chrono::seconds{10};

// Waits (without sleeping) until the worker has finished `n` runs and scheduled the next.
bool wait_for_runs(const PeriodicWorker& worker, std::uint64_t n) {
    const auto give_up = std::chrono::steady_clock::now() + kBound;
    while (worker.runs() < n) {
        if (std::chrono::steady_clock::now() > give_up) return false;
        std::this_thread::yield();
    }
    return worker.runs() == n;
}

// The times by the clock at which the task ran.
class Runs {
public:
    explicit Runs(const Clock& clock) : clock_(clock) {}
    void record() {
        std::lock_guard lock(mutex_);
        times_.push_back(clock_.now());
    }
    std::vector<Clock::time_point> times() const {
        std::lock_guard lock(mutex_);
        return times_;
    }

private:
    const Clock& clock_;
    mutable std::mutex mutex_;
    std::vector<Clock::time_point> times_;
};

TEST(PeriodicWorkerTest, RunsOnceEachIntervalAsTimeAdvances) {
    test::FakeClock clock(kStart);
    Runs runs(clock);
    PeriodicWorker worker(clock, kInterval, [&] { runs.record(); });
    EXPECT_EQ(worker.next_due(), kStart + kInterval);

    // Half an interval is not due yet: the run comes when the second half has passed.
    clock.advance(30s);
    clock.advance(30s);
    ASSERT_TRUE(wait_for_runs(worker, 1));
    EXPECT_EQ(worker.next_due(), kStart + 2 * kInterval);

    clock.advance(kInterval);
    ASSERT_TRUE(wait_for_runs(worker, 2));
    EXPECT_EQ(runs.times(),
              (std::vector<Clock::time_point>{kStart + kInterval, kStart + 2 * kInterval}));
}

TEST(PeriodicWorkerTest, AJumpOverSeveralIntervalsIsCaughtUpByOneRun) {
    test::FakeClock clock(kStart);
    Runs runs(clock);
    PeriodicWorker worker(clock, kInterval, [&] { runs.record(); });

    clock.advance(3 * kInterval);
    ASSERT_TRUE(wait_for_runs(worker, 1));
    // The next is one interval after that run; time stands still, so no more runs come.
    EXPECT_EQ(worker.next_due(), kStart + 4 * kInterval);
    EXPECT_EQ(runs.times().size(), 1u);

    clock.set(kStart + 4 * kInterval);
    ASSERT_TRUE(wait_for_runs(worker, 2));
    EXPECT_EQ(runs.times(),
              (std::vector<Clock::time_point>{kStart + 3 * kInterval, kStart + 4 * kInterval}));
}

TEST(PeriodicWorkerTest, PokeRunsAtOnceAndRestartsTheInterval) {
    test::FakeClock clock(kStart);
    Runs runs(clock);
    PeriodicWorker worker(clock, kInterval, [&] { runs.record(); });

    clock.advance(10s);
    worker.poke();
    ASSERT_TRUE(wait_for_runs(worker, 1));
    EXPECT_EQ(runs.times(), std::vector<Clock::time_point>{kStart + 10s});
    EXPECT_EQ(worker.next_due(), kStart + 10s + kInterval);
}

TEST(PeriodicWorkerTest, StopIsPromptWhenTheNextRunIsFarOff) {
    test::FakeClock clock(kStart);
    std::atomic<int> calls{0};
    auto worker =
        std::make_unique<PeriodicWorker>(clock, std::chrono::hours{24 * 365}, [&] { ++calls; });

    const auto began = std::chrono::steady_clock::now();
    worker.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
    EXPECT_EQ(calls.load(), 0);
}

TEST(PeriodicWorkerTest, StopWaitsForARunningTaskWhichSeesItAndLeavesEarly) {
    test::FakeClock clock(kStart);
    std::promise<void> started;
    std::atomic<bool> left{false};
    PeriodicWorker* self = nullptr;
    PeriodicWorker worker(clock, kInterval, [&] {
        started.set_value();
        while (!self->stopping()) std::this_thread::yield();
        left = true;
    });
    self = &worker;

    worker.poke();
    ASSERT_EQ(started.get_future().wait_for(kBound), std::future_status::ready);
    worker.stop();
    EXPECT_TRUE(left.load());
    EXPECT_EQ(worker.runs(), 1u);
}

TEST(PeriodicWorkerTest, AThrowingTaskIsReportedAndTheScheduleGoesOn) {
    test::FakeClock clock(kStart);
    Runs runs(clock);
    std::mutex mutex;
    std::vector<std::string> failures;
    PeriodicWorker worker(
        clock, kInterval,
        [&] {
            runs.record();
            if (runs.times().size() == 1) throw std::runtime_error("disk is busy");
        },
        [&](std::string_view what) {
            std::lock_guard lock(mutex);
            failures.emplace_back(what);
        });

    clock.advance(kInterval);
    ASSERT_TRUE(wait_for_runs(worker, 1));
    EXPECT_EQ(worker.next_due(), kStart + 2 * kInterval);

    clock.advance(kInterval);
    ASSERT_TRUE(wait_for_runs(worker, 2));
    EXPECT_EQ(runs.times().size(), 2u);
    std::lock_guard lock(mutex);
    EXPECT_EQ(failures, std::vector<std::string>{"disk is busy"});
}

TEST(PeriodicWorkerTest, NeverRunsTheTaskTwiceAtOnceAndFoldsPokesMeanwhileIntoOneRun) {
    test::FakeClock clock(kStart);
    std::atomic<int> inside{0};
    std::atomic<int> most_inside{0};
    std::atomic<int> calls{0};
    std::promise<void> started;
    std::promise<void> release;
    auto released = release.get_future().share();
    PeriodicWorker worker(clock, kInterval, [&] {
        const int now_inside = ++inside;
        if (now_inside > most_inside) most_inside = now_inside;
        if (++calls == 1) {
            started.set_value();
            released.wait();
        }
        --inside;
    });

    worker.poke();
    ASSERT_EQ(started.get_future().wait_for(kBound), std::future_status::ready);
    // While the first run holds the thread: pokes from several threads, and time passing.
    std::vector<std::thread> pokers;
    pokers.reserve(4);
    for (int i = 0; i < 4; ++i) {
        pokers.emplace_back([&] {
            for (int j = 0; j < 10; ++j) worker.poke();
        });
    }
    clock.advance(5 * kInterval);
    for (auto& t : pokers) t.join();
    release.set_value();

    ASSERT_TRUE(wait_for_runs(worker, 2));
    EXPECT_EQ(calls.load(), 2);
    EXPECT_EQ(most_inside.load(), 1);
    EXPECT_EQ(worker.next_due(), kStart + 5 * kInterval + kInterval);
}

}  // namespace
}  // namespace groupdesk
