// Tests of the AI bot's template cards in the JSON codec: the card click event in both shapes,
// and the exact reply JSON of a new card and of an update of the clicked one.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "wecom/json_codec.h"

namespace groupdesk::wecom {
namespace {

using nlohmann::json;

InboundMessage message(MessageBody body) {
    InboundMessage m;
    m.kind = config::ChannelKind::AiBot;
    m.msg_type = std::holds_alternative<EventBody>(body) ? "event" : "text";
    m.body = std::move(body);
    return m;
}

Result<InboundMessage> decode(const std::string& rest) {
    return decode_aibot_message(
        R"({"msgid":"m1","aibotid":"B","chattype":"group","from":{"userid":"u"},)" + rest);
}

// The nested form is the official one; when both are present it wins.
TEST(JsonCodec, TemplateCardEventNestedFormWinsOverFlat) {
    const auto m = decode(
        R"("msgtype":"event","event":{"eventtype":"template_card_event","event_key":"flat",)"
        R"("task_id":"flat_t","template_card_event":{"card_type":"button_interaction",)"
        R"("event_key":"t:10427:accept","task_id":"tk10427_1","selected_items":{"selected_item":)"
        R"([{"question_key":"q","option_ids":{"option_id":["o1"]}}]}}}})");
    ASSERT_TRUE(m.ok());
    const auto& e = std::get<EventBody>(m->body);
    EXPECT_EQ(e.event, "template_card_event");
    EXPECT_EQ(e.event_key, "t:10427:accept");
    EXPECT_EQ(e.fields.at("task_id"), "tk10427_1");
    EXPECT_EQ(e.fields.at("card_type"), "button_interaction");
}

TemplateCard ticket_card() {
    TemplateCard card;
    card.task_id = "tk10427_1";
    card.main_title = {"工单 #10427 已创建", "打印机无法连接"};
    card.horizontal_content_list = {{"状态", "待接单"}};
    card.button_list = {{"接单", 1, "t:10427:accept"}, {"关闭", 3, "t:10427:close"}};
    return card;
}

const std::string kTicketCardJson =
    R"({"card_type":"button_interaction","task_id":"tk10427_1",)"
    R"("main_title":{"title":"工单 #10427 已创建","desc":"打印机无法连接"},)"
    R"("horizontal_content_list":[{"keyname":"状态","value":"待接单"}],)"
    R"("button_list":[{"text":"接单","style":1,"key":"t:10427:accept"},)"
    R"({"text":"关闭","style":3,"key":"t:10427:close"}]})";

TEST(JsonCodec, TemplateCardReplyToAMessageAndToEnterChat) {
    const std::string expected =
        R"({"msgtype":"template_card","template_card":)" + kTicketCardJson + "}";
    EXPECT_EQ(encode_aibot_reply(TemplateCardReply{ticket_card()}, message(TextBody{"@bot"}), "s"),
              expected);
    EXPECT_EQ(encode_aibot_reply(TemplateCardReply{ticket_card()},
                                 message(EventBody{"enter_chat", "", "", {}}), "s"),
              expected);
    // To anything but a click an update has no card to replace: it is sent as a new card.
    EXPECT_EQ(encode_aibot_reply(CardUpdateReply{ticket_card(), {"lisi"}}, message(TextBody{}), ""),
              expected);
}

TEST(JsonCodec, CardUpdateAnswersAClickWithOrWithoutUserids) {
    const InboundMessage click =
        message(EventBody{"template_card_event", "t:10427:accept", "", {}});
    EXPECT_EQ(
        encode_aibot_reply(CardUpdateReply{ticket_card(), {}}, click, "s"),
        R"({"response_type":"update_template_card","template_card":)" + kTicketCardJson + "}");
    EXPECT_EQ(
        encode_aibot_reply(CardUpdateReply{ticket_card(), {"USERID1", "USERID2"}}, click, "s"),
        R"({"response_type":"update_template_card","userids":["USERID1","USERID2"],)"
        R"("template_card":)" +
            kTicketCardJson + "}");
    // A new card in answer to a click can only replace the clicked one, for everyone.
    EXPECT_EQ(
        encode_aibot_reply(TemplateCardReply{ticket_card()}, click, "s"),
        R"({"response_type":"update_template_card","template_card":)" + kTicketCardJson + "}");
}

TEST(JsonCodec, CardOptionalPartsAndPlatformCounts) {
    TemplateCard card;
    card.main_title.title = "T";
    card.sub_title_text = "sub";
    card.card_action = CardAction{1, "https://x/t/1", "", ""};
    for (int i = 0; i < 8; ++i) {
        card.horizontal_content_list.push_back({"k", std::to_string(i)});
        card.button_list.push_back({"b", i, "k" + std::to_string(i)});
    }
    const json j =
        json::parse(encode_aibot_reply(TemplateCardReply{card}, message(TextBody{}), "s"));
    const json& c = j.at("template_card");
    EXPECT_FALSE(c.contains("task_id"));
    EXPECT_EQ(c.at("main_title"), json::parse(R"({"title":"T"})"));
    EXPECT_EQ(c.at("sub_title_text"), "sub");
    EXPECT_EQ(c.at("horizontal_content_list").size(), 6u);
    ASSERT_EQ(c.at("button_list").size(), 6u);
    EXPECT_EQ(c.at("button_list")[0].at("style"), 1);  // 0 is no platform style
    EXPECT_EQ(c.at("button_list")[4].at("style"), 4);
    EXPECT_EQ(c.at("button_list")[5].at("style"), 1);
    EXPECT_EQ(c.at("card_action"), json::parse(R"({"type":1,"url":"https://x/t/1"})"));
}

}  // namespace
}  // namespace groupdesk::wecom
