// Ticket cards without a server: a create and a show answered with a card, a click that moves the
// ticket for everyone, clicks refused to the clicker alone, and a replayed click that moves
// nothing.
#include "handlers/card_click_handler.h"

#include <gtest/gtest.h>

#include "handlers/command_handler.h"
#include "handlers/ticket_card.h"
#include "tests/support/observed_ticket_store.h"

namespace groupdesk::handlers {
namespace {

constexpr const char* kChat = "wrkSFfCgAAgroupA";

class TicketCardsTest : public ::testing::Test {
protected:
    static config::Config make_config() {
        config::Config config;
        config.agents = {"zhangsan"};
        config::Channel channel;
        channel.name = "group-bot";
        channel.kind = config::ChannelKind::AiBot;
        channel.bot_names = {"助手"};
        config.channels = {channel};
        return config;
    }

    static wecom::InboundMessage base(std::string id, std::string sender) {
        wecom::InboundMessage msg;
        msg.kind = config::ChannelKind::AiBot;
        msg.msg_id = std::move(id);
        msg.sender = std::move(sender);
        msg.chat_id = kChat;
        msg.chat_type = wecom::ChatType::Group;
        return msg;
    }
    static wecom::InboundMessage text(std::string content, std::string sender = "wangwu") {
        auto msg = base("m-" + content, std::move(sender));
        msg.msg_type = "text";
        msg.body = wecom::TextBody{std::move(content)};
        return msg;
    }
    static wecom::InboundMessage click(std::string key, std::string sender) {
        auto msg = base("c-" + key + sender, std::move(sender));
        msg.msg_type = "event";
        wecom::EventBody event;
        event.event = "template_card_event";
        event.event_key = std::move(key);
        event.fields["task_id"] = "task-1";
        msg.body = std::move(event);
        return msg;
    }

    struct Run {
        Outcome outcome;
        std::vector<DurableWrite> effects;
    };
    Run run(Handler& handler, const wecom::InboundMessage& msg, std::string key) {
        Context ctx{channel_, now_, "req", {}};
        ctx.source_key = std::move(key);
        Outcome outcome = handler.handle(msg, ctx);
        return Run{std::move(outcome), std::move(ctx.before_answer)};
    }
    static bool make_durable(const Run& r) {
        bool all = true;
        for (const auto& effect : r.effects) {
            effect([&](const Status& s) { all = all && s.ok(); });
        }
        return all;
    }
    void create_ticket() {
        ASSERT_TRUE(make_durable(run(commands_, text("@助手 工单 VPN 连不上"), "k-create")));
    }
    tickets::TicketStatus status() {
        auto ticket = store_.find(1);
        return ticket.ok() && ticket->has_value() ? (*ticket)->status : tickets::TicketStatus::Open;
    }
    static const wecom::CardUpdateReply& update_of(const Outcome& o) {
        return std::get<wecom::CardUpdateReply>(o.reply());
    }

    const config::Config config_ = make_config();
    const config::Channel& channel_ = config_.channels.front();
    tickets::time_point now_{std::chrono::seconds{1767225601}};
    test::ObservedTicketStore store_;
    tickets::TicketService service_{store_};
    Roles roles_{config_};
    CommandHandler commands_{service_, roles_};
    CardClickHandler clicks_{service_, roles_};
};

TEST_F(TicketCardsTest, ACreateIsConfirmedWithACardAndARetryGetsTheSameCard) {
    const auto msg = text("@助手 工单 VPN 连不上");
    const Run first = run(commands_, msg, "k1");
    ASSERT_EQ(first.outcome.kind(), Outcome::Kind::Reply);
    const auto& card = std::get<wecom::TemplateCardReply>(first.outcome.reply()).card;
    EXPECT_EQ(card.main_title.title, "工单 #1 已创建");
    EXPECT_EQ(card.task_id, card_task_id(1, "k1"));
    ASSERT_TRUE(make_durable(first));
    // A retry after a crash that lost the dedup record: the change's record gives the same card.
    const Run retry = run(commands_, msg, "k1");
    EXPECT_TRUE(retry.effects.empty());
    const auto& again = std::get<wecom::TemplateCardReply>(retry.outcome.reply()).card;
    EXPECT_EQ(again.task_id, card.task_id);
    EXPECT_EQ(again.button_list.size(), 3u);
}

TEST_F(TicketCardsTest, AShowIsACard) {
    create_ticket();
    const Run shown = run(commands_, text("@助手 查询 #1"), "k2");
    const auto& card = std::get<wecom::TemplateCardReply>(shown.outcome.reply()).card;
    EXPECT_EQ(card.main_title.title, "工单 #1");
    EXPECT_TRUE(shown.effects.empty());
}

TEST_F(TicketCardsTest, AnAgentsClickMovesTheTicketForEveryone) {
    create_ticket();
    const Run r = run(clicks_, click("gd-ticket:1:resolve", "zhangsan"), "click-1");
    ASSERT_EQ(r.outcome.kind(), Outcome::Kind::Reply);
    const auto& update = update_of(r.outcome);
    EXPECT_TRUE(update.userids.empty());
    EXPECT_EQ(update.card.task_id, "task-1");
    EXPECT_EQ(update.card.sub_title_text, "zhangsan 已解决");
    EXPECT_EQ(update.card.horizontal_content_list[0].value, "已解决");
    ASSERT_EQ(update.card.button_list.size(), 2u);
    EXPECT_EQ(update.card.button_list[1].key, "gd-ticket:1:reopen");
    EXPECT_EQ(status(), tickets::TicketStatus::Open);  // not before the effect is durable
    ASSERT_TRUE(make_durable(r));
    EXPECT_EQ(status(), tickets::TicketStatus::Resolved);
}

TEST_F(TicketCardsTest, AReplayedClickChangesNothing) {
    create_ticket();
    const auto msg = click("gd-ticket:1:start", "zhangsan");
    ASSERT_TRUE(make_durable(run(clicks_, msg, "click-1")));
    auto events = store_.events(1);
    ASSERT_TRUE(events.ok());
    const auto count = events->size();
    const Run replay = run(clicks_, msg, "click-1");
    EXPECT_TRUE(replay.effects.empty());
    EXPECT_TRUE(update_of(replay.outcome).userids.empty());
    EXPECT_EQ(update_of(replay.outcome).card.horizontal_content_list[0].value, "处理中");
    EXPECT_EQ(store_.events(1)->size(), count);
}

TEST_F(TicketCardsTest, ACustomersClickIsRefusedToThemAlone) {
    create_ticket();
    const Run r = run(clicks_, click("gd-ticket:1:resolve", "wangwu"), "click-1");
    ASSERT_EQ(r.outcome.kind(), Outcome::Kind::Reply);
    const auto& update = update_of(r.outcome);
    EXPECT_EQ(update.userids, std::vector<std::string>{"wangwu"});
    EXPECT_EQ(update.card.sub_title_text, "只有客服人员可以解决工单");
    EXPECT_EQ(update.card.horizontal_content_list[0].value, "待处理");
    EXPECT_TRUE(r.effects.empty());
}

TEST_F(TicketCardsTest, AnIllegalMoveIsRefusedNamingFromAndTo) {
    create_ticket();
    const Run r = run(clicks_, click("gd-ticket:1:close", "zhangsan"), "click-1");
    const auto& update = update_of(r.outcome);
    EXPECT_EQ(update.userids, std::vector<std::string>{"zhangsan"});
    EXPECT_NE(update.card.sub_title_text.find("待处理 → 已关闭"), std::string::npos)
        << update.card.sub_title_text;
    EXPECT_TRUE(r.effects.empty());
    EXPECT_EQ(status(), tickets::TicketStatus::Open);
}

TEST_F(TicketCardsTest, OtherEventsAndKeysPassOn) {
    create_ticket();
    EXPECT_EQ(run(clicks_, click("menu-help", "zhangsan"), "c1").outcome.kind(),
              Outcome::Kind::Pass);
    EXPECT_EQ(run(clicks_, text("@助手 解决 #1", "zhangsan"), "c2").outcome.kind(),
              Outcome::Kind::Pass);
}

}  // namespace
}  // namespace groupdesk::handlers
