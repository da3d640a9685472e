// Mention stripping for group @-messages.
#include "handlers/mention.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

TEST(SeparatorLength, EachSeparatorAndOthers) {
    EXPECT_EQ(separator_length("\u2005x"), 3u);
    EXPECT_EQ(separator_length("\u3000x"), 3u);
    EXPECT_EQ(separator_length(" x"), 1u);
    EXPECT_EQ(separator_length("\nx"), 1u);
    EXPECT_EQ(separator_length("x "), 0u);
    EXPECT_EQ(separator_length("\u2006"), 0u);  // a neighbour of U+2005 is not one
    EXPECT_EQ(separator_length(""), 0u);
}

const std::vector<std::string> kNoNames;
const std::vector<std::string> kBotNames = {"GroupDesk", "客服助手"};

TEST(StripBotMentions, WithoutNamesTheFirstMentionIsTheBot) {
    EXPECT_EQ(strip_bot_mentions("@助手\u2005解决 #12", kNoNames), "解决 #12");
}

TEST(StripBotMentions, WholeRunOfLeadingMentionsIsRemoved) {
    EXPECT_EQ(strip_bot_mentions("@a @b rest of it", kNoNames), "rest of it");
    EXPECT_EQ(strip_bot_mentions("＠张三\u2005@GroupDesk\u3000指派 #3 @李四", kBotNames),
              "指派 #3 @李四");
}

TEST(StripBotMentions, BotNamedAnywhereInTheRunCounts) {
    EXPECT_EQ(strip_bot_mentions("@alice @客服助手 @bob\nstatus #4", kBotNames), "status #4");
}

TEST(StripBotMentions, AsciiNamesIgnoreCaseOthersCompareExactly) {
    EXPECT_EQ(strip_bot_mentions("@groupdesk list", kBotNames), "list");
    EXPECT_EQ(strip_bot_mentions("@客服 list", kBotNames), std::nullopt);
    EXPECT_EQ(strip_bot_mentions("@GroupDeskBot list", kBotNames), std::nullopt);
}

TEST(StripBotMentions, LeadingMentionsOfOthersOnlyIsNotForUs) {
    EXPECT_EQ(strip_bot_mentions("@alice @bob 解决 #12", kBotNames), std::nullopt);
}

TEST(StripBotMentions, MentionLaterInTheTextIsNotAtTheFront) {
    EXPECT_EQ(strip_bot_mentions("解决 #12 @GroupDesk", kBotNames), std::nullopt);
    EXPECT_EQ(strip_bot_mentions("hello @GroupDesk", kNoNames), std::nullopt);
}

TEST(StripBotMentions, BareMentionLeavesEmptyText) {
    const auto rest = strip_bot_mentions(" @GroupDesk\u2005", kBotNames);
    ASSERT_TRUE(rest.has_value());
    EXPECT_EQ(*rest, "");
}

TEST(StripBotMentions, LoneAtSignIsNotAMention) {
    EXPECT_EQ(strip_bot_mentions("@ GroupDesk help", kNoNames), std::nullopt);
}

}  // namespace
}  // namespace groupdesk::handlers
