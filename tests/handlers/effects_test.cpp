// when_durable: one report when every write has reported, the first failure in it, and the
// writes started inside the group when one is given.
#include "handlers/effects.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace groupdesk::handlers {
namespace {

// A write that keeps its `done` for the test to call, and notes whether a group was open.
struct HeldWrite {
    DurableDone done;
    bool started_in_group = false;
};

std::vector<DurableWrite> held_writes(std::vector<HeldWrite>& held, const bool& in_group) {
    std::vector<DurableWrite> writes;
    for (auto& h : held) {
        writes.push_back([&h, &in_group](DurableDone done) {
            h.done = std::move(done);
            h.started_in_group = in_group;
        });
    }
    return writes;
}

TEST(WhenDurable, ReportsOnceAfterTheLastWriteWithTheFirstFailure) {
    std::vector<HeldWrite> held(3);
    const bool in_group = false;
    auto writes = held_writes(held, in_group);
    int reports = 0;
    std::optional<std::string> failure;
    when_durable(writes, [&](std::optional<std::string> f) {
        ++reports;
        failure = std::move(f);
    });
    held[1].done(make_error(ErrorCode::Unavailable, "disk full"));
    held[0].done(ok_status());
    EXPECT_EQ(reports, 0);
    held[2].done(make_error(ErrorCode::Unavailable, "later"));
    EXPECT_EQ(reports, 1);
    EXPECT_EQ(failure, "disk full");
}

TEST(WhenDurable, WithNoWritesReportsAtOnce) {
    std::vector<DurableWrite> none;
    bool reported = false;
    when_durable(none, [&](std::optional<std::string> f) { reported = !f.has_value(); });
    EXPECT_TRUE(reported);
}

TEST(WhenDurable, StartsEveryWriteInsideTheGroup) {
    std::vector<HeldWrite> held(2);
    bool in_group = false;
    auto writes = held_writes(held, in_group);
    int groups = 0;
    const WriteGroup group = [&](const std::function<void()>& start) {
        ++groups;
        in_group = true;
        start();
        in_group = false;
    };
    std::optional<std::string> failure = "not reported";
    when_durable(
        writes, [&](std::optional<std::string> f) { failure = std::move(f); }, group);
    EXPECT_EQ(groups, 1);
    for (auto& h : held) {
        EXPECT_TRUE(h.started_in_group);
        h.done(ok_status());
    }
    EXPECT_EQ(failure, std::nullopt);
}

}  // namespace
}  // namespace groupdesk::handlers
