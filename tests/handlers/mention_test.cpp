// Mention stripping for group @-messages.
#include "handlers/mention.h"

#include <gtest/gtest.h>

namespace groupdesk::handlers {
namespace {

TEST(StripLeadingMention, AsciiSpaceAsInTheOfficialExample) {
    EXPECT_EQ(strip_leading_mention("@RobotA hello robot"), "hello robot");
}

TEST(StripLeadingMention, FourPerEmSpaceOfWeChatClients) {
    EXPECT_EQ(strip_leading_mention("@助手\u2005查询 #12"), "查询 #12");
}

TEST(StripLeadingMention, FullWidthAtAndIdeographicSpace) {
    EXPECT_EQ(strip_leading_mention("＠assistant\u3000帮助"), "帮助");
}

TEST(StripLeadingMention, NewlineAfterTheName) {
    EXPECT_EQ(strip_leading_mention("@assistant\nhelp\n"), "help");
}

TEST(StripLeadingMention, BareMentionLeavesNothing) {
    EXPECT_EQ(strip_leading_mention("@assistant"), "");
    EXPECT_EQ(strip_leading_mention("  @assistant \u2005 "), "");
}

TEST(StripLeadingMention, TextWithoutMentionIsOnlyTrimmed) {
    EXPECT_EQ(strip_leading_mention("\u2005 help me "), "help me");
    EXPECT_EQ(strip_leading_mention("mail me at a@b.c"), "mail me at a@b.c");
}

TEST(TrimSeparators, BothEnds) {
    EXPECT_EQ(trim_separators("\u3000 x y \u2005"), "x y");
    EXPECT_EQ(trim_separators(""), "");
}

}  // namespace
}  // namespace groupdesk::handlers
