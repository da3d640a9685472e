// DeadlineTimer: callbacks fire once their deadline has passed, in deadline order, and a
// cancelled one never fires.
#include "bot/deadline_timer.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <vector>

namespace groupdesk::bot {
namespace {

using Clock = DeadlineTimer::Clock;
using std::chrono::milliseconds;
constexpr auto kBound = std::chrono::seconds(10);

TEST(DeadlineTimer, FiresAfterTheDeadlineInDeadlineOrder) {
    DeadlineTimer timer;
    std::mutex mutex;
    std::vector<int> order;
    std::promise<void> last;
    const auto start = Clock::now();
    timer.schedule(start + milliseconds(60), [&] {
        std::lock_guard lock(mutex);
        order.push_back(2);
        last.set_value();
    });
    timer.schedule(start + milliseconds(20), [&] {
        std::lock_guard lock(mutex);
        order.push_back(1);
    });
    ASSERT_EQ(last.get_future().wait_for(kBound), std::future_status::ready);
    EXPECT_GE(Clock::now() - start, milliseconds(60));
    std::lock_guard lock(mutex);
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
    EXPECT_EQ(timer.pending(), 0u);
}

TEST(DeadlineTimer, ACancelledCallbackNeverFires) {
    DeadlineTimer timer;
    bool cancelled_fired = false;
    std::promise<void> later;
    auto handle = timer.schedule(Clock::now() + milliseconds(10), [&] { cancelled_fired = true; });
    EXPECT_TRUE(timer.cancel(handle));
    EXPECT_FALSE(timer.cancel(handle));
    // Fires after the cancelled one would have: by then it would have run.
    timer.schedule(Clock::now() + milliseconds(40), [&] { later.set_value(); });
    ASSERT_EQ(later.get_future().wait_for(kBound), std::future_status::ready);
    EXPECT_FALSE(cancelled_fired);
}

TEST(DeadlineTimer, DestructionDropsWhatIsPending) {
    bool fired = false;
    {
        DeadlineTimer timer;
        timer.schedule(Clock::now() + std::chrono::hours(1), [&] { fired = true; });
        EXPECT_EQ(timer.pending(), 1u);
    }
    EXPECT_FALSE(fired);
}

}  // namespace
}  // namespace groupdesk::bot
