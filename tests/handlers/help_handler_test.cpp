// HelpHandler: welcome events and the help command, nothing else.
#include "handlers/help_handler.h"

#include <gtest/gtest.h>

namespace groupdesk::handlers {
namespace {

class HelpHandlerTest : public ::testing::Test {
protected:
    Outcome run(wecom::MessageBody body, config::ChannelKind kind = config::ChannelKind::AiBot) {
        wecom::InboundMessage msg;
        msg.kind = kind;
        msg.body = std::move(body);
        Context ctx{channel_, {}, "t", {}};
        return handler_.handle(msg, ctx);
    }
    static std::string reply_text(const Outcome& o) {
        return std::get<wecom::TextReply>(o.reply()).content;
    }

    config::Channel channel_{"group-bot", config::ChannelKind::AiBot, "t", "", "", ""};
    HelpHandler handler_{HelpTexts{"WELCOME", "HELP"}};
};

TEST_F(HelpHandlerTest, AnswersHelpWordsAfterAMention) {
    for (const char* text : {"@assistant help", "@助手\u2005帮助", "HELP", "？", "@assistant"}) {
        Outcome o = run(wecom::TextBody{text});
        ASSERT_EQ(o.kind(), Outcome::Kind::Reply) << text;
        EXPECT_EQ(reply_text(o), "HELP") << text;
    }
}

TEST_F(HelpHandlerTest, PassesOtherText) {
    EXPECT_EQ(run(wecom::TextBody{"@assistant 工单 打印机无法连接"}).kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(wecom::TextBody{"helpdesk"}).kind(), Outcome::Kind::Pass);
}

TEST_F(HelpHandlerTest, WelcomesOnEnterChatAndSubscribe) {
    Outcome a = run(wecom::EventBody{"enter_chat", "", "", {}});
    ASSERT_EQ(a.kind(), Outcome::Kind::Reply);
    EXPECT_EQ(reply_text(a), "WELCOME");
    Outcome b = run(wecom::EventBody{"subscribe", "qrscene_1", "", {}}, config::ChannelKind::Mp);
    ASSERT_EQ(b.kind(), Outcome::Kind::Reply);
    EXPECT_EQ(reply_text(b), "WELCOME");
}

TEST_F(HelpHandlerTest, PassesOtherEventsAndMedia) {
    EXPECT_EQ(run(wecom::EventBody{"click", "TICKET_LIST", "", {}}).kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(wecom::ImageBody{"u", "m"}).kind(), Outcome::Kind::Pass);
}

TEST(DefaultHelpTexts, AreNotEmpty) {
    auto texts = default_help_texts();
    EXPECT_FALSE(texts.welcome.empty());
    EXPECT_NE(texts.help.find("帮助"), std::string::npos);
}

}  // namespace
}  // namespace groupdesk::handlers
