// Announcer and RateLimiter: which changes are announced where and in which words, and the sliding
// windows that keep the sends within the platforms' limits.
#include "tickets/announcer.h"

#include <gtest/gtest.h>

#include "tickets/rate_limiter.h"
#include "tickets/words.h"

namespace groupdesk::tickets {
namespace {

using namespace std::chrono_literals;

const time_point kNow = time_point{std::chrono::seconds{1767225601}};
const std::string kChat = "wrkSFfCgAAxxxx";  // has a webhook
const std::string kBare = "wrkSFfCgAAzzzz";  // has none
const Actor kAgent{"zhangsan", ActorRole::Agent};
const Actor kReporter{"wangwu", ActorRole::Customer};

config::Config routes_config() {
    config::Config config;
    config::Channel bot;
    bot.name = "group-bot";
    bot.kind = config::ChannelKind::AiBot;
    bot.group_webhooks = {{kChat, "KEY-CHAT"}};
    config::Channel app;
    app.name = "app";
    app.kind = config::ChannelKind::WeCom;
    config::Channel mp;
    mp.name = "mp";
    mp.kind = config::ChannelKind::Mp;
    config::Channel ws;
    ws.name = "ws-bot";
    ws.kind = config::ChannelKind::AiBot;
    ws.transport = config::Transport::LongConnection;
    ws.group_webhooks = {{kChat, "KEY-CHAT"}};  // the bot's own push still comes first
    config.channels = {bot, app, mp, ws};
    return config;
}

TicketChange started(const std::string& channel = "group-bot", GroupKind kind = GroupKind::Chat,
                     const std::string& group = kChat) {
    TicketChange change;
    change.kind = TicketChange::Kind::Update;
    Ticket& t = change.ticket;
    t.number = 7;
    t.title = "打印机无法连接";
    t.status = TicketStatus::InProgress;
    t.priority = Priority::High;
    t.reporter = "wangwu";
    t.channel = channel;
    t.group_kind = kind;
    t.group = group;
    t.updated_at = kNow;
    TicketEvent start;
    start.actor = "zhangsan";
    start.action = EventAction::Start;
    start.field = "status";
    start.from = "open";
    start.to = "in_progress";
    TicketEvent comment;
    comment.actor = "zhangsan";
    comment.action = EventAction::Comment;
    comment.note = "已联系厂商";
    change.events = {start, comment};
    return change;
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
        if (i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n;
    }
    return true;
}

class AnnouncerTest : public ::testing::Test {
protected:
    config::Config config_ = routes_config();
    Announcer announcer_{config_};
};

TEST_F(AnnouncerTest, AChangeMadeInTheTicketsOwnConversationAnnouncesNothing) {
    const Conversation own{"group-bot", GroupKind::Chat, kChat};
    EXPECT_TRUE(announcer_.announce(started(), kAgent, &own).empty());
}

TEST_F(AnnouncerTest, AChangeOverRestOrFromAnotherGroupIsAnnouncedOnceInTheTicketsChat) {
    const Conversation elsewhere{"group-bot", GroupKind::Chat, "wrkSFfCgAAothr"};
    const Conversation same_id_other_channel{"app", GroupKind::Chat, kChat};
    for (const Conversation* where :
         {static_cast<const Conversation*>(nullptr), &elsewhere, &same_id_other_channel}) {
        const auto rows = announcer_.announce(started(), kAgent, where);
        ASSERT_EQ(rows.size(), 1u);
        const Notification& n = rows[0];
        EXPECT_EQ(n.route, Route::Webhook);
        EXPECT_EQ(n.channel, "group-bot");
        EXPECT_EQ(n.target, kChat);
        EXPECT_EQ(n.order_key, "group-bot/" + kChat);
        EXPECT_TRUE(n.markdown);
        EXPECT_EQ(n.state, DeliveryState::Pending);
        EXPECT_EQ(n.created_at, kNow);
        EXPECT_EQ(n.next_attempt_at, kNow);
    }
}

TEST_F(AnnouncerTest, TheTextNamesTheTicketEachEventAndTheNewStatus) {
    const auto rows = announcer_.announce(started(), kAgent, nullptr);
    ASSERT_EQ(rows.size(), 1u);
    const std::string& text = rows[0].text;
    EXPECT_EQ(text, announcement_text(started()));
    EXPECT_NE(text.find("#7"), std::string::npos) << text;
    EXPECT_NE(text.find("打印机无法连接"), std::string::npos) << text;
    EXPECT_NE(text.find("· zhangsan 将状态从「待处理」改为「处理中」"), std::string::npos) << text;
    EXPECT_NE(text.find("· zhangsan 备注：已联系厂商"), std::string::npos) << text;
    EXPECT_NE(text.find("状态：处理中"), std::string::npos) << text;
    EXPECT_NE(text.find("优先级：高"), std::string::npos) << text;
}

TEST_F(AnnouncerTest, NoEventsNoRow) {
    TicketChange change = started();
    change.events.clear();
    EXPECT_TRUE(announcer_.announce(change, kAgent, nullptr).empty());
}

TEST_F(AnnouncerTest, TheReporterIsMentionedUnlessTheyMadeTheChange) {
    auto rows = announcer_.announce(started(), kAgent, nullptr);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].mentions, (std::vector<std::string>{"wangwu"}));
    rows = announcer_.announce(started(), kReporter, nullptr);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_TRUE(rows[0].mentions.empty());
}

TEST_F(AnnouncerTest, TheRouteFollowsTheChannelKindAndItsWebhooks) {
    struct Case {
        std::string channel;
        GroupKind kind;
        std::string group;
        Route route;
        bool markdown;
    };
    const Case cases[] = {
        {"group-bot", GroupKind::Chat, kChat, Route::Webhook, true},
        {"group-bot", GroupKind::Chat, kBare, Route::ResponseUrl, true},
        {"group-bot", GroupKind::User, kChat, Route::ResponseUrl, true},  // a user, not the chat
        {"app", GroupKind::User, "lisi", Route::AppMessage, false},
        {"mp", GroupKind::User, "oOPENID", Route::CustomMessage, false},
        {"ws-bot", GroupKind::Chat, kChat, Route::AiBotSendMsg, true},
        {"ws-bot", GroupKind::User, "lisi", Route::AiBotSendMsg, true},
        {"removed-channel", GroupKind::Chat, kChat, Route::None, false},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(announcer_.route_for(c.channel, c.kind, c.group), c.route) << c.channel;
        const auto rows = announcer_.announce(started(c.channel, c.kind, c.group), kAgent, nullptr);
        ASSERT_EQ(rows.size(), 1u) << c.channel;
        EXPECT_EQ(rows[0].route, c.route) << c.channel << " " << c.group;
        EXPECT_EQ(rows[0].markdown, c.markdown) << c.channel;
        EXPECT_EQ(rows[0].order_key, c.channel + "/" + c.group);
        // A 1:1 conversation has nobody else to mention.
        EXPECT_EQ(rows[0].mentions.empty(), c.kind == GroupKind::User) << c.channel;
    }
}

TEST_F(AnnouncerTest, ALongTextIsCutToTheRoutesByteLimitAtACharacterBoundary) {
    for (const std::string channel : {"group-bot", "app"}) {
        TicketChange change = started(channel, GroupKind::User, "lisi");
        for (int i = 0; i < 3000; ++i) change.events[1].note += "字";
        const auto rows = announcer_.announce(change, kAgent, nullptr);
        ASSERT_EQ(rows.size(), 1u);
        const std::string& text = rows[0].text;
        const std::size_t limit = rows[0].markdown ? kMaxMarkdownBytes : kMaxPlainTextBytes;
        EXPECT_LE(text.size(), limit) << channel;
        EXPECT_GT(text.size(), limit - 256) << channel;  // cut, not emptied
        EXPECT_TRUE(text.ends_with("…")) << channel;
        EXPECT_TRUE(valid_utf8(text)) << channel;
        EXPECT_TRUE(text.starts_with("工单 #7「打印机无法连接」")) << channel;
    }
    const auto rows = announcer_.announce(started(), kAgent, nullptr);
    EXPECT_FALSE(rows[0].text.ends_with("…"));  // a short text stays whole
}

// --- RateLimiter ---

TEST(RateLimiterTest, AWindowFullReturnsWhenItsOldestSendLeavesIt) {
    RateLimiter limiter;
    const RateLimiter::Limit limits[] = {{3, 10s}};
    EXPECT_FALSE(limiter.try_acquire("k", limits, kNow));
    EXPECT_FALSE(limiter.try_acquire("k", limits, kNow + 1s));
    EXPECT_FALSE(limiter.try_acquire("k", limits, kNow + 2s));
    EXPECT_EQ(limiter.try_acquire("k", limits, kNow + 3s), kNow + 10s);
    EXPECT_EQ(limiter.try_acquire("k", limits, kNow + 9s), kNow + 10s);  // refusals take no slot
    EXPECT_FALSE(limiter.try_acquire("k", limits, kNow + 10s));
    // Now 1 s, 2 s and 10 s are inside: the next slot frees as the one at 1 s leaves.
    EXPECT_EQ(limiter.try_acquire("k", limits, kNow + 10s), kNow + 11s);
    EXPECT_FALSE(limiter.try_acquire("k", limits, kNow + 12s));
}

TEST(RateLimiterTest, KeysAreCountedApart) {
    RateLimiter limiter;
    const RateLimiter::Limit limits[] = {{1, 60s}};
    EXPECT_FALSE(limiter.try_acquire("webhook:a", limits, kNow));
    EXPECT_FALSE(limiter.try_acquire("webhook:b", limits, kNow));
    EXPECT_EQ(limiter.try_acquire("webhook:a", limits, kNow + 1s), kNow + 60s);
}

TEST(RateLimiterTest, EveryLimitMustHaveASlotAndTheLatestFreeTimeIsReturned) {
    RateLimiter limiter;
    const RateLimiter::Limit limits[] = {{2, 10s}, {3, 60s}};
    EXPECT_FALSE(limiter.try_acquire("k", limits, kNow));
    EXPECT_FALSE(limiter.try_acquire("k", limits, kNow + 1s));
    EXPECT_EQ(limiter.try_acquire("k", limits, kNow + 2s), kNow + 10s);  // the short window
    EXPECT_FALSE(limiter.try_acquire("k", limits, kNow + 10s));
    EXPECT_EQ(limiter.try_acquire("k", limits, kNow + 11s), kNow + 60s);  // the long one
    EXPECT_EQ(limiter.try_acquire("k", limits, kNow + 59s), kNow + 60s);
    EXPECT_FALSE(limiter.try_acquire("k", limits, kNow + 60s));
}

TEST(RateLimiterTest, TwentyAMinuteForAWebhook) {
    RateLimiter limiter;
    const RateLimiter::Limit limits[] = {{20, 60s}};
    for (int i = 0; i < 20; ++i) EXPECT_FALSE(limiter.try_acquire("k", limits, kNow)) << i;
    for (int i = 0; i < 5; ++i) EXPECT_EQ(limiter.try_acquire("k", limits, kNow), kNow + 60s);
    for (int i = 0; i < 20; ++i) EXPECT_FALSE(limiter.try_acquire("k", limits, kNow + 60s)) << i;
}

}  // namespace
}  // namespace groupdesk::tickets
