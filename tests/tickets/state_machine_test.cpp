// The ticket state machine, move by move: every (status, transition) pair is allowed or refused
// as the table in state_machine.h says, and a refusal names from and to.
#include "tickets/state_machine.h"

#include <gtest/gtest.h>

#include <map>
#include <utility>

namespace groupdesk::tickets {
namespace {

using S = TicketStatus;
using T = Transition;

TEST(StateMachineTest, EveryPairAsTheTableSays) {
    const std::map<std::pair<S, T>, S> allowed = {
        {{S::Open, T::Start}, S::InProgress},       {{S::Open, T::Resolve}, S::Resolved},
        {{S::InProgress, T::Resolve}, S::Resolved}, {{S::Resolved, T::Close}, S::Closed},
        {{S::Resolved, T::Reopen}, S::Open},        {{S::Closed, T::Reopen}, S::Open},
    };
    for (S from : {S::Open, S::InProgress, S::Resolved, S::Closed}) {
        for (T t : {T::Start, T::Resolve, T::Close, T::Reopen}) {
            auto next = next_status(from, t);
            const auto it = allowed.find({from, t});
            if (it != allowed.end()) {
                ASSERT_TRUE(next.ok()) << to_string(from) << " " << to_string(t);
                EXPECT_EQ(*next, it->second);
            } else {
                ASSERT_FALSE(next.ok()) << to_string(from) << " " << to_string(t);
                EXPECT_EQ(next.error().code, ErrorCode::FailedPrecondition);
            }
        }
    }
}

TEST(StateMachineTest, ARefusalNamesFromAndTo) {
    auto next = next_status(S::Open, T::Close);
    ASSERT_FALSE(next.ok());
    EXPECT_EQ(next.error().public_reason,
              "cannot close a ticket that is open (open → closed is not allowed)");
}

TEST(StateMachineTest, WordsRoundTrip) {
    for (S s : {S::Open, S::InProgress, S::Resolved, S::Closed}) {
        EXPECT_EQ(parse_status(to_string(s)), s);
    }
    for (Priority p : {Priority::Low, Priority::Normal, Priority::High, Priority::Urgent}) {
        EXPECT_EQ(parse_priority(to_string(p)), p);
    }
    EXPECT_EQ(to_string(S::InProgress), "in_progress");
    EXPECT_FALSE(parse_status("Open").has_value());
    EXPECT_FALSE(parse_priority("medium").has_value());
}

TEST(TicketTextTest, CharactersAreCodePoints) {
    EXPECT_EQ(count_chars("打印机abc"), 6u);
    EXPECT_EQ(prefix_chars("打印机abc", 2), "打印");
    EXPECT_EQ(prefix_chars("ab", 5), "ab");
    // A malformed byte counts as one character and is never split from its neighbours.
    EXPECT_EQ(count_chars("a\xE6\x89z"), 4u);
}

}  // namespace
}  // namespace groupdesk::tickets
