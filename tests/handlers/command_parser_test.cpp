// Ticket command parsing, with the strings people type in WeCom groups and chats.
#include "handlers/command_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "handlers/details/command_words.h"

namespace groupdesk::handlers {
namespace {

using tickets::Priority;

Command command(std::string_view text, std::optional<std::string_view> quoted = std::nullopt) {
    const ParsedCommand parsed = parse_command(text, quoted);
    const auto* cmd = std::get_if<Command>(&parsed);
    EXPECT_NE(cmd, nullptr) << "not a command: " << text;
    return cmd ? *cmd : Command{};
}

CommandError error(std::string_view text, std::optional<std::string_view> quoted = std::nullopt) {
    const ParsedCommand parsed = parse_command(text, quoted);
    const auto* err = std::get_if<CommandError>(&parsed);
    EXPECT_NE(err, nullptr) << "not an error: " << text;
    return err ? *err : CommandError{Language::Zh, "<none>"};
}

bool not_a_command(std::string_view text) {
    return std::holds_alternative<NotACommand>(parse_command(text));
}

std::optional<DidYouMean> did_you_mean(std::string_view text) {
    const ParsedCommand parsed = parse_command(text);
    if (const auto* d = std::get_if<DidYouMean>(&parsed)) return *d;
    return std::nullopt;
}

std::string repeat(std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

// --- create ---------------------------------------------------------------------------------

TEST(ParseCreate, ChineseTitleOnly) {
    const Command c = command("工单 打印机无法连接");
    EXPECT_EQ(c.kind, CommandKind::Create);
    EXPECT_EQ(c.language, Language::Zh);
    EXPECT_EQ(c.title, "打印机无法连接");
    EXPECT_EQ(c.description, "");
    EXPECT_EQ(c.category, "");
    EXPECT_EQ(c.priority, std::nullopt);
    EXPECT_EQ(c.assignee, "");
}

TEST(ParseCreate, EveryCreateWord) {
    EXPECT_EQ(command("报修 三楼空调漏水").title, "三楼空调漏水");
    const Command n = command("new Printer offline");
    EXPECT_EQ(n.language, Language::En);
    EXPECT_EQ(n.title, "Printer offline");
    EXPECT_EQ(command("TICKET VPN drops").title, "VPN drops");
    EXPECT_EQ(command("Ticket VPN drops").kind, CommandKind::Create);
}

TEST(ParseCreate, ColonsAndSeparatorsAfterTheWord) {
    EXPECT_EQ(command("工单：打印机坏了").title, "打印机坏了");
    EXPECT_EQ(command("工单:打印机坏了").title, "打印机坏了");
    EXPECT_EQ(command("ticket: printer").title, "printer");
    EXPECT_EQ(command("工单\u2005打印机坏了").title, "打印机坏了");
    EXPECT_EQ(command("报修\u3000打印机坏了\u3000").title, "打印机坏了");
    EXPECT_EQ(command("工单\n打印机坏了").title, "打印机坏了");
}

TEST(ParseCreate, FieldLinesAfterTheTitle) {
    const Command c = command(
        "工单 打印机无法连接\n分类：IT设备\n优先级：高\n负责人：@张三\n描述：三楼的 HP 打印机\n"
        "重启过也不行");
    EXPECT_EQ(c.title, "打印机无法连接");
    EXPECT_EQ(c.category, "IT设备");
    EXPECT_EQ(c.priority, Priority::High);
    EXPECT_EQ(c.assignee, "张三");
    EXPECT_EQ(c.description, "三楼的 HP 打印机\n重启过也不行");
}

TEST(ParseCreate, EnglishFieldLinesAnyCaseHalfAndFullWidthColons) {
    const Command c = command(
        "new Printer offline\nCategory: hardware\nPRIORITY：urgent\nassignee: @bob\n"
        "Description: since 9am");
    EXPECT_EQ(c.title, "Printer offline");
    EXPECT_EQ(c.category, "hardware");
    EXPECT_EQ(c.priority, Priority::Urgent);
    EXPECT_EQ(c.assignee, "bob");
    EXPECT_EQ(c.description, "since 9am");
}

TEST(ParseCreate, InlineFieldsInTheFirstLine) {
    const Command c = command("工单 打印机坏了 优先级：紧急 分类：IT 负责人：＠李四");
    EXPECT_EQ(c.title, "打印机坏了");
    EXPECT_EQ(c.priority, Priority::Urgent);
    EXPECT_EQ(c.category, "IT");
    EXPECT_EQ(c.assignee, "李四");

    const Command e =
        command("new Printer offline priority: low description: since 9am, 3rd floor");
    EXPECT_EQ(e.title, "Printer offline");
    EXPECT_EQ(e.priority, Priority::Low);
    EXPECT_EQ(e.description, "since 9am, 3rd floor");
}

TEST(ParseCreate, FieldNameInsideAWordIsTitleText) {
    // "分类" must start a word: inside one it is just text.
    const Command c = command("new subcategory:list broken");
    EXPECT_EQ(c.title, "subcategory:list broken");
    EXPECT_EQ(c.category, "");
}

TEST(ParseCreate, FreeLinesJoinTheDescriptionInOrder) {
    const Command c =
        command("工单 门禁失灵\n\n  一楼东门刷卡没反应  \n描述：从早上开始\n保安已知晓\u2005");
    EXPECT_EQ(c.title, "门禁失灵");
    EXPECT_EQ(c.description, "一楼东门刷卡没反应\n从早上开始\n保安已知晓");
}

TEST(ParseCreate, CrLfLines) {
    const Command c = command("new Printer\r\ncategory: it\r\nout of toner\r\n");
    EXPECT_EQ(c.title, "Printer");
    EXPECT_EQ(c.category, "it");
    EXPECT_EQ(c.description, "out of toner");
}

TEST(ParseCreate, EveryPriorityWord) {
    EXPECT_EQ(command("工单 a 优先级：低").priority, Priority::Low);
    EXPECT_EQ(command("工单 a 优先级：中").priority, Priority::Normal);
    EXPECT_EQ(command("工单 a 优先级：普通").priority, Priority::Normal);
    EXPECT_EQ(command("工单 a 优先级：高").priority, Priority::High);
    EXPECT_EQ(command("工单 a 优先级：紧急").priority, Priority::Urgent);
    EXPECT_EQ(command("new a priority: Low").priority, Priority::Low);
    EXPECT_EQ(command("new a priority: normal").priority, Priority::Normal);
    EXPECT_EQ(command("new a priority: MEDIUM").priority, Priority::Normal);
    EXPECT_EQ(command("new a priority: high").priority, Priority::High);
    EXPECT_EQ(command("new a priority: urgent").priority, Priority::Urgent);
}

TEST(ParseCreate, UnknownPriorityNamesTheAcceptedWords) {
    const CommandError zh = error("工单 打印机坏了\n优先级：很急");
    EXPECT_EQ(zh.language, Language::Zh);
    EXPECT_EQ(zh.reason, "优先级只能是：低、中、高、紧急");
    const CommandError en = error("new Printer offline priority: asap");
    EXPECT_EQ(en.language, Language::En);
    EXPECT_EQ(en.reason, "priority must be low, normal, high or urgent");
}

TEST(ParseCreate, CategoryOfExactly32CharsFits33DoesNot) {
    const std::string c32 = repeat("类", 32);
    EXPECT_EQ(command("工单 a\n分类：" + c32).category, c32);
    const CommandError e = error("工单 a\n分类：" + c32 + "类");
    EXPECT_EQ(e.reason, "分类最多 32 个字");
    EXPECT_EQ(error("new a category: " + repeat("x", 33)).reason,
              "a category has at most 32 characters");
}

TEST(ParseCreate, TitleOfExactly120CharsIsKept) {
    const std::string t120 = repeat("长", 120);
    const Command c = command("工单 " + t120);
    EXPECT_EQ(c.title, t120);
    EXPECT_EQ(c.description, "");
}

TEST(ParseCreate, LongerTitleIsCutTo119AndEllipsisAndKeptWholeInTheDescription) {
    const std::string t121 = repeat("长", 121);
    const Command c = command("工单 " + t121 + " 优先级：高\n更多细节");
    EXPECT_EQ(c.title, repeat("长", 119) + "…");
    EXPECT_EQ(tickets::count_chars(c.title), 120u);
    EXPECT_EQ(c.description, t121 + "\n更多细节");
    EXPECT_EQ(c.priority, Priority::High);
}

TEST(ParseCreate, NoTitleIsAnError) {
    EXPECT_EQ(error("工单").reason, "工单需要标题：工单 <标题>");
    EXPECT_EQ(error("报修：\u3000").reason, "工单需要标题：工单 <标题>");
    const CommandError en = error("new");
    EXPECT_EQ(en.language, Language::En);
    EXPECT_EQ(en.reason, "a ticket needs a title: ticket <title>");
    EXPECT_EQ(error("ticket priority: high").reason, "a ticket needs a title: ticket <title>");
}

TEST(ParseCreate, QuoteIsTheDescriptionAfterTheGivenOne) {
    const Command c =
        command("工单 退款失败\n描述：客户截图如下", "订单 1234 退款失败\n提示：余额不足");
    EXPECT_EQ(c.title, "退款失败");
    EXPECT_EQ(c.description, "客户截图如下\n订单 1234 退款失败\n提示：余额不足");
}

TEST(ParseCreate, WithoutTitleTheQuotesFirstLineIsTheTitle) {
    const Command c = command("工单", "\u2005订单 1234 退款失败 \n提示：余额不足");
    EXPECT_EQ(c.title, "订单 1234 退款失败");
    EXPECT_EQ(c.description, "订单 1234 退款失败 \n提示：余额不足");
    const Command f = command("new priority: high", "Cannot log in");
    EXPECT_EQ(f.title, "Cannot log in");
    EXPECT_EQ(f.priority, Priority::High);
}

TEST(ParseCreate, LongQuoteLineIsCutAsATitleAndNotRepeated) {
    const std::string line = repeat("字", 130);
    const Command c = command("报修", line + "\n第二行");
    EXPECT_EQ(c.title, repeat("字", 119) + "…");
    EXPECT_EQ(c.description, line + "\n第二行");
}

TEST(ParseCreate, EmptyQuoteDoesNotGiveATitle) {
    EXPECT_EQ(error("工单", "\u3000\n").reason, "工单需要标题：工单 <标题>");
}

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
}

TEST(DidYouMean, OnlyWhenTheCorrectionIsAValidCommand) {
    EXPECT_TRUE(not_a_command("last week the printer broke"));  // "list week…" is no command
    EXPECT_TRUE(not_a_command("closed the window"));
    EXPECT_TRUE(not_a_command("news about the outage"));  // "new" is too short to be near
}

TEST(DidYouMean, LongRestIsCut) {
    const auto d = did_you_mean("tikcet " + repeat("a", 60) + "\nline two");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->suggestion, "ticket " + repeat("a", 32) + "…");
    EXPECT_EQ(tickets::count_chars(d->suggestion), 40u);
    EXPECT_EQ(did_you_mean("tikcet printer\ndetails")->suggestion, "ticket printer…");
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
