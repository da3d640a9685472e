// WorkQueue: tasks run on the workers, a full queue refuses, a throwing task harms nothing, and
// destruction runs what is queued.
#include "bot/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

namespace groupdesk::bot {
namespace {

// Only a bound against a hung test.
constexpr auto kBound = std::chrono::seconds(10);

TEST(WorkQueue, RunsTasksOffTheCallersThread) {
    WorkQueue queue(2, 16);
    std::promise<std::thread::id> ran_on;
    ASSERT_TRUE(queue.submit([&] { ran_on.set_value(std::this_thread::get_id()); }));
    auto id = ran_on.get_future();
    ASSERT_EQ(id.wait_for(kBound), std::future_status::ready);
    EXPECT_NE(id.get(), std::this_thread::get_id());
}

TEST(WorkQueue, RefusesBeyondTheBoundWhileWorkersAreBusy) {
    WorkQueue queue(1, 2);
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::promise<void> started;
    ASSERT_TRUE(queue.submit([&] {
        started.set_value();
        released.wait();
    }));
    ASSERT_EQ(started.get_future().wait_for(kBound), std::future_status::ready);
    std::atomic<int> ran{0};
    EXPECT_TRUE(queue.submit([&] { ++ran; }));
    EXPECT_TRUE(queue.submit([&] { ++ran; }));
    EXPECT_FALSE(queue.submit([&] { ++ran; }));  // the one worker is stuck, two are queued
    EXPECT_EQ(queue.queued(), 2u);
    release.set_value();
    const auto deadline = std::chrono::steady_clock::now() + kBound;
    while (ran.load() < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_EQ(ran.load(), 2);
}

TEST(WorkQueue, AThrowingTaskDoesNotStopItsWorker) {
    WorkQueue queue(1, 16);
    ASSERT_TRUE(queue.submit([] { throw std::runtime_error("boom"); }));
    std::promise<void> after;
    ASSERT_TRUE(queue.submit([&] { after.set_value(); }));
    EXPECT_EQ(after.get_future().wait_for(kBound), std::future_status::ready);
}

TEST(WorkQueue, DestructionRunsWhatIsQueued) {
    std::atomic<int> ran{0};
    {
        WorkQueue queue(1, 64);
        for (int i = 0; i < 50; ++i) ASSERT_TRUE(queue.submit([&] { ++ran; }));
    }
    EXPECT_EQ(ran.load(), 50);
}

}  // namespace
}  // namespace groupdesk::bot
