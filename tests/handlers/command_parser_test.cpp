// Ticket command parsing, with the strings people type in WeCom groups and chats; the create
// command has command_create_test.cpp.
#include "handlers/command_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "handlers/details/command_words.h"
#include "tests/handlers/command_parser_test_support.h"

namespace groupdesk::handlers {
namespace {

using namespace command_test;

// --- numbered commands ------------------------------------------------------------------------

TEST(ParseNumbered, ShowInBothLanguagesAndEveryRefForm) {
    const Command c = command("查询 #12");
    EXPECT_EQ(c.kind, CommandKind::Show);
    EXPECT_EQ(c.language, Language::Zh);
    EXPECT_EQ(c.number, 12);
    EXPECT_EQ(command("查询 ＃12").number, 12);
    EXPECT_EQ(command("查询 12").number, 12);
    EXPECT_EQ(command("查询#12").number, 12);
    EXPECT_EQ(command("查询＃７").number, 7);  // full-width digits of Chinese input methods
    EXPECT_EQ(command("查询：#12").number, 12);
    EXPECT_EQ(command("查询\u3000#12\u2005").number, 12);
    const Command s = command("Status #9000");
    EXPECT_EQ(s.language, Language::En);
    EXPECT_EQ(s.number, 9000);
}

TEST(ParseNumbered, StartWords) {
    EXPECT_EQ(command("接单 #3").kind, CommandKind::Start);
    EXPECT_EQ(command("处理中 #3").kind, CommandKind::Start);
    const Command s = command("start #3");
    EXPECT_EQ(s.kind, CommandKind::Start);
    EXPECT_EQ(s.number, 3);
}

TEST(ParseNumbered, MissingNumber) {
    const CommandError e = error("解决");
    EXPECT_EQ(e.language, Language::Zh);
    EXPECT_EQ(e.reason, "缺少工单编号，例如：解决 #12");
    EXPECT_EQ(error("close").reason, "missing the ticket number; e.g. close #12");
    EXPECT_EQ(error("查询 \u3000").reason, "缺少工单编号，例如：查询 #12");
}

TEST(ParseNumbered, MalformedNumber) {
    EXPECT_EQ(error("查询 #abc").reason, "工单编号无效：#abc，例如：查询 #12");
    EXPECT_EQ(error("status #12a").reason, "not a ticket number: #12a; e.g. status #12");
    EXPECT_EQ(error("resolve the printer").reason, "not a ticket number: the; e.g. resolve #12");
    EXPECT_EQ(error("查询 #0").reason, "工单编号无效：#0，例如：查询 #12");
    EXPECT_EQ(error("查询 #").reason, "工单编号无效：#，例如：查询 #12");
    EXPECT_EQ(error("查询 #9999999999999999999").reason,
              "工单编号无效：#9999999999999999999，例如：查询 #12");
    EXPECT_EQ(command("查询 #9223372036854775807").number, 9223372036854775807);
}

TEST(ParseNumbered, ShowAndStartTakeNothingMore) {
    EXPECT_EQ(error("查询 #12 #13").reason, "多余的内容：#13，例如：查询 #12");
    EXPECT_EQ(error("start #3 now").reason, "unexpected text: now; e.g. start #12");
}

TEST(ParseNumbered, Assign) {
    const Command c = command("指派 #12 @张三");
    EXPECT_EQ(c.kind, CommandKind::Assign);
    EXPECT_EQ(c.number, 12);
    EXPECT_EQ(c.assignee, "张三");
    EXPECT_EQ(command("指派 ＃12 ＠李四\u2005").assignee, "李四");
    EXPECT_EQ(command("assign 12 alice").assignee, "alice");
    EXPECT_EQ(command("ASSIGN #12\u3000@Bob").assignee, "Bob");
}

TEST(ParseNumbered, AssignNeedsExactlyOneName) {
    EXPECT_EQ(error("指派 #12").reason, "请写明负责人，例如：指派 #12 @张三");
    EXPECT_EQ(error("assign #12 @").reason, "who should take it?; e.g. assign #12 @alice");
    EXPECT_EQ(error("assign #12 @bob please").reason,
              "unexpected text: please; e.g. assign #12 @alice");
}

TEST(ParseNumbered, CommentSpansLines) {
    const Command c = command("备注 #12 已联系客户\n明天上门\u2005");
    EXPECT_EQ(c.kind, CommandKind::Comment);
    EXPECT_EQ(c.number, 12);
    EXPECT_EQ(c.note, "已联系客户\n明天上门");
    EXPECT_EQ(command("comment #5: called back").note, "called back");
    EXPECT_EQ(command("comment #5\nline one\nline two").note, "line one\nline two");
}

TEST(ParseNumbered, CommentNeedsText) {
    EXPECT_EQ(error("备注 #12").reason, "备注内容是空的，例如：备注 #12 已联系客户");
    EXPECT_EQ(error("comment #12 \u3000\n").reason,
              "the comment is empty; e.g. comment #12 called the customer");
}

TEST(ParseNumbered, ResolveCloseReopenWithOptionalNote) {
    const Command r = command("解决 #12");
    EXPECT_EQ(r.kind, CommandKind::Resolve);
    EXPECT_EQ(r.note, "");
    EXPECT_EQ(command("解决 #12 已更换网线").note, "已更换网线");
    const Command c = command("close ＃4 duplicate of #3");
    EXPECT_EQ(c.kind, CommandKind::Close);
    EXPECT_EQ(c.number, 4);
    EXPECT_EQ(c.note, "duplicate of #3");
    EXPECT_EQ(command("关闭 #4").kind, CommandKind::Close);
    const Command o = command("重开 #4：问题又出现了");
    EXPECT_EQ(o.kind, CommandKind::Reopen);
    EXPECT_EQ(o.note, "问题又出现了");
    EXPECT_EQ(command("Reopen 4 still broken").note, "still broken");
}

TEST(ParseNumbered, ErrorEchoIsOneShortLine) {
    const CommandError e = error("查询 #" + repeat("x", 40) + "\n第二行");
    EXPECT_EQ(e.reason.find('\n'), std::string::npos);
    EXPECT_EQ(e.reason, "工单编号无效：#" + repeat("x", 18) + "…，例如：查询 #12");
}

// --- list -------------------------------------------------------------------------------------

TEST(ParseList, ScopesInBothLanguages) {
    const Command c = command("列表");
    EXPECT_EQ(c.kind, CommandKind::List);
    EXPECT_EQ(c.scope, ListScope::Open);
    EXPECT_EQ(command("列表 待处理").scope, ListScope::Open);
    EXPECT_EQ(command("列表\u3000我的").scope, ListScope::Mine);
    EXPECT_EQ(command("列表：全部").scope, ListScope::All);
    EXPECT_EQ(command("list").language, Language::En);
    EXPECT_EQ(command("list open").scope, ListScope::Open);
    EXPECT_EQ(command("LIST Mine").scope, ListScope::Mine);
    EXPECT_EQ(command("list all").scope, ListScope::All);
}

TEST(ParseList, UnknownScope) {
    EXPECT_EQ(error("列表 昨天").reason, "列表只能查看：待处理、我的、全部（不是“昨天”）");
    EXPECT_EQ(error("list closed").reason, "list takes open, mine or all (not \"closed\")");
}

// --- not commands -----------------------------------------------------------------------------

TEST(NotACommand, ChatAndHelp) {
    EXPECT_TRUE(not_a_command("怎么退款"));
    EXPECT_TRUE(not_a_command("hello"));
    EXPECT_TRUE(not_a_command(""));
    EXPECT_TRUE(not_a_command("\u3000\u2005"));
    EXPECT_TRUE(not_a_command("#12"));
    EXPECT_TRUE(not_a_command("help"));
    EXPECT_TRUE(not_a_command("帮助"));
    EXPECT_TRUE(not_a_command("Help me with #12"));
}

TEST(NotACommand, CommandWordMustEndAtASeparatorHashColonOrEnd) {
    EXPECT_TRUE(not_a_command("工单打印机"));
    EXPECT_TRUE(not_a_command("解决12"));
    EXPECT_TRUE(not_a_command("listing all"));
    EXPECT_TRUE(not_a_command("newspaper delivery"));
}

// --- did you mean -----------------------------------------------------------------------------

TEST(DidYouMean, EnglishSwapAndSubstitution) {
    const auto d = did_you_mean("resovle #12");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->language, Language::En);
    EXPECT_EQ(d->suggestion, "resolve #12");
    EXPECT_EQ(did_you_mean("tikcet printer offline")->suggestion, "ticket printer offline");
    EXPECT_EQ(did_you_mean("Stauts #3")->suggestion, "status #3");
    EXPECT_EQ(did_you_mean("lst mine"), std::nullopt);  // three letters: too short
    EXPECT_EQ(did_you_mean("lisst mine")->suggestion, "list mine");
    EXPECT_EQ(did_you_mean("clse #4")->suggestion, "close #4");
}

TEST(DidYouMean, TwoEditsFromSevenLetters) {
    EXPECT_EQ(did_you_mean("comnemt #5 called")->suggestion, "comment #5 called");
    EXPECT_EQ(did_you_mean("rsolev #5"), std::nullopt);  // six letters, two edits
    EXPECT_EQ(did_you_mean("assigned #5 @bob")->suggestion, "assign #5 @bob");
}

TEST(DidYouMean, ChineseOnlyBeforeATicketRef) {
    const auto d = did_you_mean("解绝 #12");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->language, Language::Zh);
    EXPECT_EQ(d->suggestion, "解决 #12");
    EXPECT_EQ(did_you_mean("关必＃4")->suggestion, "关闭＃4");
    EXPECT_EQ(did_you_mean("处理种 12")->suggestion, "处理中 12");
    EXPECT_TRUE(not_a_command("工作 很忙"));
    EXPECT_TRUE(not_a_command("解绝 问题"));
    EXPECT_TRUE(not_a_command("解决了 #12"));  // three characters against two
    EXPECT_TRUE(not_a_command("解 #12"));      // one against two
    EXPECT_TRUE(not_a_command("你好 #12"));    // two characters different
}

TEST(DidYouMean, OnlyWhenTheCorrectionIsAValidCommand) {
    EXPECT_TRUE(not_a_command("last week the printer broke"));  // "list week…" is no command
    EXPECT_TRUE(not_a_command("closed the window"));
    EXPECT_TRUE(not_a_command("news about the outage"));  // "new" is too short to be near
}

TEST(DidYouMean, NeverForAnExactCommandWord) {
    // Even when the rest is wrong, the word itself is right: the user gets the error.
    EXPECT_EQ(error("resolve").reason, "missing the ticket number; e.g. resolve #12");
    EXPECT_EQ(error("解决 问题").reason, "工单编号无效：问题，例如：解决 #12");
}

TEST(DidYouMean, QuoteCountsWhenCheckingTheCorrection) {
    // "tikcet" alone corrects to a create without a title, valid only with a quote.
    EXPECT_TRUE(not_a_command("tikcet"));
    const ParsedCommand parsed = parse_command("tikcet", "Printer offline");
    ASSERT_TRUE(std::holds_alternative<DidYouMean>(parsed));
    EXPECT_EQ(std::get<DidYouMean>(parsed).suggestion, "ticket");
}

TEST(DidYouMean, LongRestIsCut) {
    const auto d = did_you_mean("tikcet " + repeat("a", 60) + "\nline two");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->suggestion, "ticket " + repeat("a", 32) + "…");
    EXPECT_EQ(tickets::count_chars(d->suggestion), 40u);
    EXPECT_EQ(did_you_mean("tikcet printer\ndetails")->suggestion, "ticket printer…");
}

TEST(DidYouMean, HugeFirstWordIsPlainChat) {
    EXPECT_TRUE(not_a_command(repeat("a", 100000) + " #12"));
    EXPECT_TRUE(not_a_command(repeat("解", 50000) + " #12"));
}

TEST(DamerauLevenshtein, CountsAnAdjacentSwapAsOneEdit) {
    EXPECT_EQ(details::damerau_levenshtein("resovle", "resolve"), 1u);
    EXPECT_EQ(details::damerau_levenshtein("close", "close"), 0u);
    EXPECT_EQ(details::damerau_levenshtein("clse", "close"), 1u);
    EXPECT_EQ(details::damerau_levenshtein("abc", ""), 3u);
    EXPECT_EQ(details::damerau_levenshtein("comnemt", "comment"), 2u);
}

}  // namespace
}  // namespace groupdesk::handlers
