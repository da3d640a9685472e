// Parsing of the create command: title, fields, description and quotes.
#include <gtest/gtest.h>

#include <string>

#include "handlers/command_parser.h"
#include "tests/handlers/command_parser_test_support.h"

namespace groupdesk::handlers {
namespace {

using namespace command_test;
using tickets::Priority;

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

TEST(ParseCreate, InlineFieldsAfterWeChatAndIdeographicSpaces) {
    const Command c = command("报修\u2005空调漏水\u2005分类：后勤\u3000优先级：中");
    EXPECT_EQ(c.title, "空调漏水");
    EXPECT_EQ(c.category, "后勤");
    EXPECT_EQ(c.priority, Priority::Normal);
}

TEST(ParseCreate, TitleAfterALineOfFieldsOnly) {
    const Command c = command("工单 分类：网络\nWi-Fi 断线\n会议室");
    EXPECT_EQ(c.category, "网络");
    EXPECT_EQ(c.title, "Wi-Fi 断线");
    EXPECT_EQ(c.description, "会议室");
}

TEST(ParseCreate, AssigneeWithoutAtSignAndOnlyTheFirstName) {
    EXPECT_EQ(command("工单 a\n负责人：王五").assignee, "王五");
    EXPECT_EQ(command("new a\nassignee: @carol @dave").assignee, "carol");
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

}  // namespace
}  // namespace groupdesk::handlers
