// CommandHandler without a server: which messages it takes, the reply and the effect it leaves
// for the endpoint, refusals that store nothing, and the retry that finds the recorded reply.
#include "handlers/command_handler.h"

#include <gtest/gtest.h>

#include "tests/support/observed_ticket_store.h"

namespace groupdesk::handlers {
namespace {

constexpr const char* kChat = "wrkSFfCgAAgroupA";

class CommandHandlerTest : public ::testing::Test {
protected:
    static config::Config make_config() {
        config::Config config;
        config.agents = {"zhangsan"};
        config::Channel channel;
        channel.name = "group-bot";
        channel.kind = config::ChannelKind::AiBot;
        channel.bot_names = {"助手"};
        channel.ticket_cards = false;  // these tests read the text replies
        config.channels = {channel};
        return config;
    }

    static wecom::InboundMessage group_message(std::string text, std::string sender = "wangwu") {
        wecom::InboundMessage msg;
        msg.kind = config::ChannelKind::AiBot;
        msg.msg_type = "text";
        msg.msg_id = "m-" + text;
        msg.sender = std::move(sender);
        msg.chat_id = kChat;
        msg.chat_type = wecom::ChatType::Group;
        msg.body = wecom::TextBody{std::move(text)};
        return msg;
    }

    struct Run {
        Outcome outcome;
        std::vector<DurableWrite> effects;
    };
    Run run(const wecom::InboundMessage& msg, std::string source_key = "key-1") {
        Context ctx{channel_, now_, "req", {}};
        ctx.source_key = std::move(source_key);
        Outcome outcome = handler_.handle(msg, ctx);
        return Run{std::move(outcome), std::move(ctx.before_answer)};
    }
    // Runs the effects as the endpoint does; true when all became durable.
    static bool make_durable(const Run& r) {
        bool all = true;
        for (const auto& effect : r.effects) {
            effect([&](const Status& s) { all = all && s.ok(); });
        }
        return all;
    }
    static std::string text_of(const Outcome& o) {
        if (o.kind() != Outcome::Kind::Reply) return "<no reply>";
        return std::get<wecom::TextReply>(o.reply()).content;
    }
    std::size_t ticket_count() {
        auto page = store_.list(tickets::TicketQuery{});
        return page.ok() ? page->tickets.size() : 0;
    }

    const config::Config config_ = make_config();
    const config::Channel& channel_ = config_.channels.front();
    tickets::time_point now_{std::chrono::seconds{1767225601}};
    test::ObservedTicketStore store_;
    tickets::TicketService service_{store_};
    Roles roles_{config_};
    CommandHandler handler_{service_, roles_};
};

TEST_F(CommandHandlerTest, ACreateRepliesAndLeavesTheTicketAsAnEffect) {
    const Run r = run(group_message("@助手 工单 打印机无法连接"));
    ASSERT_EQ(r.outcome.kind(), Outcome::Kind::Reply);
    EXPECT_NE(text_of(r.outcome).find("已创建工单 #1：打印机无法连接"), std::string::npos);
    EXPECT_EQ(ticket_count(), 0u);  // nothing is written until the endpoint runs the effect
    ASSERT_EQ(r.effects.size(), 1u);
    EXPECT_TRUE(make_durable(r));
    auto ticket = store_.find(1);
    ASSERT_TRUE(ticket.ok() && ticket->has_value());
    EXPECT_EQ((*ticket)->group, kChat);
    EXPECT_EQ((*ticket)->channel, "group-bot");
    EXPECT_EQ((*ticket)->source_message_id, "m-@助手 工单 打印机无法连接");
    auto recorded = store_.find_command("key-1");
    ASSERT_TRUE(recorded.ok() && recorded->has_value());
    EXPECT_EQ((*recorded)->reply, text_of(r.outcome));
}

TEST_F(CommandHandlerTest, ARetryOfADurableCommandGetsTheSameReplyAndNoEffect) {
    const auto msg = group_message("@助手 工单 打印机无法连接");
    const Run first = run(msg);
    ASSERT_TRUE(make_durable(first));
    const Run retry = run(msg);
    EXPECT_EQ(text_of(retry.outcome), text_of(first.outcome));
    EXPECT_TRUE(retry.effects.empty());
    EXPECT_EQ(ticket_count(), 1u);
}

TEST_F(CommandHandlerTest, OtherMessagesPassOn) {
    EXPECT_EQ(run(group_message("@助手 发票怎么开")).outcome.kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(group_message("@张三 工单 打印机")).outcome.kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(group_message("@助手 帮助")).outcome.kind(), Outcome::Kind::Pass);
    auto image = group_message("");
    image.body = wecom::ImageBody{"https://example.invalid/p.png", ""};
    EXPECT_EQ(run(image).outcome.kind(), Outcome::Kind::Pass);
}

TEST_F(CommandHandlerTest, ARefusalRepliesAndStoresNothing) {
    ASSERT_TRUE(make_durable(run(group_message("@助手 工单 VPN"), "k1")));
    const Run refused = run(group_message("@助手 解决 #1"), "k2");
    EXPECT_EQ(text_of(refused.outcome), "只有客服人员可以解决工单");
    EXPECT_TRUE(refused.effects.empty());
    const Run bad = run(group_message("@助手 工单 VPN\n优先级：超高"), "k3");
    EXPECT_EQ(bad.outcome.kind(), Outcome::Kind::Reply);
    EXPECT_TRUE(bad.effects.empty());
    EXPECT_EQ(ticket_count(), 1u);
}

TEST_F(CommandHandlerTest, AgentsAreKnownByTheirUserId) {
    ASSERT_TRUE(make_durable(run(group_message("@助手 工单 VPN"), "k1")));
    const Run resolved = run(group_message("@助手 resolve #1 fixed", "zhangsan"), "k2");
    EXPECT_NE(text_of(resolved.outcome).find("Status: resolved"), std::string::npos)
        << text_of(resolved.outcome);
    ASSERT_TRUE(make_durable(resolved));
    auto events = store_.events(1);
    ASSERT_TRUE(events.ok());
    ASSERT_EQ(events->size(), 2u);
    EXPECT_EQ((*events)[1].actor_role, tickets::ActorRole::Agent);
    EXPECT_EQ((*events)[1].note, "fixed");
}

TEST_F(CommandHandlerTest, AStoreThatFailsAsksThePlatformToRetry) {
    ASSERT_TRUE(make_durable(run(group_message("@助手 工单 VPN"), "k1")));
    const Run decided = run(group_message("@助手 备注 #1 still down"), "k2");
    ASSERT_EQ(decided.outcome.kind(), Outcome::Kind::Reply);  // decided on a read that worked
    store_.fail_with(ErrorCode::Unavailable);
    EXPECT_FALSE(make_durable(decided));  // the write fails: the endpoint answers 503
    EXPECT_EQ(run(group_message("@助手 备注 #1 still down"), "k3").outcome.kind(),
              Outcome::Kind::RetryLater);  // a read fails: nothing decided, the platform retries
}

}  // namespace
}  // namespace groupdesk::handlers
