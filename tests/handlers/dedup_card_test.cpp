// Tests of the stored answer for the AI bot's template cards: both card replies round-trip,
// records of the first format stay readable, and damaged card records are refused.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "handlers/dedup.h"

namespace groupdesk::handlers {
namespace {

using Kind = Outcome::Kind;

wecom::TemplateCard ticket_card() {
    wecom::TemplateCard card;
    card.task_id = "tk10427_1";
    card.main_title = {"工单 #10427 已创建", "打印机无法连接"};
    card.sub_title_text = "3F";
    card.horizontal_content_list = {{"状态", "待接单"}, {"提交人", "张三"}};
    card.button_list = {{"接单", 1, "t:10427:accept"}, {"关闭", 3, "t:10427:close"}};
    card.card_action = wecom::CardAction{1, "https://example.com/t/10427", "", ""};
    return card;
}

void expect_same_card(const wecom::TemplateCard& got, const wecom::TemplateCard& want) {
    EXPECT_EQ(got.task_id, want.task_id);
    EXPECT_EQ(got.main_title.title, want.main_title.title);
    EXPECT_EQ(got.main_title.desc, want.main_title.desc);
    EXPECT_EQ(got.sub_title_text, want.sub_title_text);
    ASSERT_EQ(got.horizontal_content_list.size(), want.horizontal_content_list.size());
    for (std::size_t i = 0; i < want.horizontal_content_list.size(); ++i) {
        EXPECT_EQ(got.horizontal_content_list[i].keyname, want.horizontal_content_list[i].keyname);
        EXPECT_EQ(got.horizontal_content_list[i].value, want.horizontal_content_list[i].value);
    }
    ASSERT_EQ(got.button_list.size(), want.button_list.size());
    for (std::size_t i = 0; i < want.button_list.size(); ++i) {
        EXPECT_EQ(got.button_list[i].text, want.button_list[i].text);
        EXPECT_EQ(got.button_list[i].style, want.button_list[i].style);
        EXPECT_EQ(got.button_list[i].key, want.button_list[i].key);
    }
    ASSERT_EQ(got.card_action.has_value(), want.card_action.has_value());
    if (want.card_action) {
        EXPECT_EQ(got.card_action->type, want.card_action->type);
        EXPECT_EQ(got.card_action->url, want.card_action->url);
        EXPECT_EQ(got.card_action->appid, want.card_action->appid);
        EXPECT_EQ(got.card_action->pagepath, want.card_action->pagepath);
    }
}

TEST(DedupAnswer, TemplateCardReplyRoundTrips) {
    for (bool with_action : {true, false}) {
        auto card = ticket_card();
        if (!with_action) card.card_action.reset();
        auto parsed =
            parse_answer(serialize_answer(Outcome::reply(wecom::TemplateCardReply{card})));
        ASSERT_TRUE(parsed.has_value());
        ASSERT_EQ(parsed->kind(), Kind::Reply);
        ASSERT_TRUE(std::holds_alternative<wecom::TemplateCardReply>(parsed->reply()));
        expect_same_card(std::get<wecom::TemplateCardReply>(parsed->reply()).card, card);
    }
}

TEST(DedupAnswer, CardUpdateReplyRoundTripsWithAndWithoutUserids) {
    for (const std::vector<std::string>& userids :
         {std::vector<std::string>{}, std::vector<std::string>{"lisi", "zhangsan"}}) {
        const wecom::CardUpdateReply update{ticket_card(), userids};
        auto parsed = parse_answer(serialize_answer(Outcome::reply(update)));
        ASSERT_TRUE(parsed.has_value());
        ASSERT_EQ(parsed->kind(), Kind::Reply);
        ASSERT_TRUE(std::holds_alternative<wecom::CardUpdateReply>(parsed->reply()));
        const auto& got = std::get<wecom::CardUpdateReply>(parsed->reply());
        expect_same_card(got.card, update.card);
        EXPECT_EQ(got.userids, userids);
    }
}

// Records written before the cards existed are read as they always were, and the plain kinds
// are still written in that form, so an older build reads them too.
TEST(DedupAnswer, VersionOneRecordsStayReadableAndUnchanged) {
    const std::string text = R"({"content":"hi","kind":"text","v":1})";
    EXPECT_EQ(serialize_answer(Outcome::reply(wecom::TextReply{"hi"})), text);
    auto parsed = parse_answer(text);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(std::get<wecom::TextReply>(parsed->reply()).content, "hi");
    EXPECT_EQ(serialize_answer(Outcome::pass()), R"({"kind":"none","v":1})");
    const std::string news =
        R"({"articles":[{"description":"d","pic_url":"","title":"t","url":"u"}],"kind":"news","v":1})";
    parsed = parse_answer(news);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(std::get<wecom::NewsReply>(parsed->reply()).articles.at(0).title, "t");
    const std::string card = serialize_answer(Outcome::reply(wecom::TemplateCardReply{}));
    EXPECT_NE(card.find(R"("v":2)"), std::string::npos) << card;
}

TEST(DedupAnswer, DamagedCardRecordsAreRejected) {
    const std::string card =
        R"("card":{"task_id":"t","title":"T","desc":"","sub_title_text":"","fields":[],)"
        R"("buttons":[{"text":"b","style":1,"key":"k"}]})";
    ASSERT_TRUE(parse_answer(R"({"v":2,"kind":"card",)" + card + "}").has_value());
    ASSERT_TRUE(
        parse_answer(R"({"v":2,"kind":"card_update","userids":[],)" + card + "}").has_value());
    for (const std::string& garbage : {
             R"({"v":1,"kind":"card",)" + card + "}",  // cards need version 2
             std::string(R"({"v":2,"kind":"card"})"),
             std::string(R"({"v":2,"kind":"card","card":[]})"),
             R"({"v":2,"kind":"card_update",)" + card + "}",  // userids missing
             R"({"v":2,"kind":"card_update","userids":[1],)" + card + "}",
             std::string(R"({"v":2,"kind":"card","card":{"task_id":"t","title":"T","desc":"",)"
                         R"("sub_title_text":"","fields":[],"buttons":[{"text":"b","key":"k"}]}})"),
             std::string(R"({"v":2,"kind":"card","card":{"task_id":"t","title":"T","desc":"",)"
                         R"("sub_title_text":"","fields":[{"keyname":"k"}],"buttons":[]}})"),
             std::string(
                 R"({"v":2,"kind":"card","card":{"task_id":"t","title":"T","desc":"",)"
                 R"("sub_title_text":"","fields":[],"buttons":[],"card_action":{"type":1}}})"),
         }) {
        EXPECT_FALSE(parse_answer(garbage).has_value()) << garbage;
    }
}

}  // namespace
}  // namespace groupdesk::handlers
