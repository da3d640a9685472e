// Ticket cards: what a card shows for each status, and the button keys read back.
#include "handlers/ticket_card.h"

#include <gtest/gtest.h>

#include <cctype>
#include <vector>

namespace groupdesk::handlers {
namespace {

using tickets::TicketStatus;

tickets::Ticket sample(TicketStatus status) {
    tickets::Ticket t;
    t.number = 12;
    t.title = "打印机无法连接";
    t.status = status;
    t.priority = tickets::Priority::High;
    t.category = "IT";
    t.reporter = "wangwu";
    return t;
}

std::vector<std::string> labels(const wecom::TemplateCard& card) {
    std::vector<std::string> out;
    for (const auto& b : card.button_list) out.push_back(b.text);
    return out;
}

TEST(TicketCard, ShowsTitleAndFields) {
    const auto card = ticket_card(sample(TicketStatus::Open), CardMoment::Created, "task-1");
    EXPECT_EQ(card.task_id, "task-1");
    EXPECT_EQ(card.main_title.title, "工单 #12 已创建");
    EXPECT_EQ(card.main_title.desc, "打印机无法连接");
    ASSERT_EQ(card.horizontal_content_list.size(), 5u);
    EXPECT_EQ(card.horizontal_content_list[0].keyname, "状态");
    EXPECT_EQ(card.horizontal_content_list[0].value, "待处理");
    EXPECT_EQ(card.horizontal_content_list[1].keyname, "优先级");
    EXPECT_EQ(card.horizontal_content_list[2].value, "IT");
    EXPECT_EQ(card.horizontal_content_list[3].value, "未指派");
    EXPECT_EQ(card.horizontal_content_list[4].keyname, "报告人");
    EXPECT_EQ(card.horizontal_content_list[4].value, "wangwu");
    EXPECT_EQ(ticket_card(sample(TicketStatus::Open), CardMoment::Shown, "t").main_title.title,
              "工单 #12");
}

TEST(TicketCard, ButtonsFollowTheStatus) {
    using V = std::vector<std::string>;
    auto of = [](TicketStatus s) { return labels(ticket_card(sample(s), CardMoment::Shown, "t")); };
    EXPECT_EQ(of(TicketStatus::Open), (V{"接单", "解决", "关闭"}));
    EXPECT_EQ(of(TicketStatus::InProgress), (V{"解决", "关闭"}));
    EXPECT_EQ(of(TicketStatus::Resolved), (V{"关闭", "重开"}));
    EXPECT_EQ(of(TicketStatus::Closed), (V{"重开"}));
    const auto card = ticket_card(sample(TicketStatus::Open), CardMoment::Shown, "t");
    EXPECT_EQ(card.button_list[1].key, "gd-ticket:12:resolve");
}

TEST(TicketCard, LongTextsAreCut) {
    auto t = sample(TicketStatus::Open);
    t.title = std::string(40, 'x');
    const auto card = ticket_card(t, CardMoment::Shown, "t");
    EXPECT_EQ(tickets::count_chars(card.main_title.desc), 30u);
}

TEST(TicketCard, KeysRoundTrip) {
    for (CommandKind kind :
         {CommandKind::Start, CommandKind::Resolve, CommandKind::Close, CommandKind::Reopen}) {
        const auto parsed = parse_button_key(button_key({12, kind}));
        ASSERT_TRUE(parsed);
        EXPECT_EQ(parsed->ticket, 12);
        EXPECT_EQ(parsed->kind, kind);
    }
    for (const char* bad :
         {"", "gd-ticket:", "gd-ticket:12", "gd-ticket:12:", "gd-ticket::close",
          "gd-ticket:012:close", "gd-ticket:-1:close", "gd-ticket:1x:close", "gd-ticket:12:delete",
          "other:12:close", "gd-ticket:99999999999999999999:close"}) {
        EXPECT_FALSE(parse_button_key(bad)) << bad;
    }
}

TEST(TicketCard, TaskIdsAreStablePerCallbackAndValid) {
    const auto a = card_task_id(12, "key-a");
    EXPECT_EQ(a, card_task_id(12, "key-a"));
    EXPECT_NE(a, card_task_id(12, "key-b"));
    EXPECT_LE(a.size(), 128u);
    for (char c : a) {
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << a;
    }
}

}  // namespace
}  // namespace groupdesk::handlers
