// Ticket cards through the real server: an AI-bot create answered with a card, and clicks on its
// buttons as encrypted template_card_event callbacks — a move the whole group sees, a refusal the
// clicker alone sees, and a repeated callback that moves nothing.
#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>

#include "tests/integration/server_fixture.h"
#include "tests/support/callbacks.h"

namespace groupdesk::test {
namespace {

using nlohmann::json;

constexpr const char* kChat = "wrkSFfCgAAgroupA";
constexpr const char* kTimestamp = "1767225601";  // the fixture clock's now

class TicketCardsTest : public ServerTest {
protected:
    void configure(config::Config& config) override {
        config.agents = {"zhangsan"};
        for (auto& c : config.channels) {
            if (c.name == "group-bot") c.bot_names = {"助手"};  // ticket_cards: the default
        }
    }

    CallbackRequest bot_callback(json message) {
        message["msgid"] = "tc-" + std::to_string(++sequence_);
        message["aibotid"] = "AIBOT_GROUPDESK";
        message["chatid"] = kChat;
        message["chattype"] = "group";
        message["response_url"] = "https://example.invalid/r";
        return encrypted_callback(channel("group-bot"), message.dump(), kTimestamp,
                                  std::to_string(sequence_));
    }
    CallbackRequest mention(const std::string& text, const std::string& user) {
        return bot_callback(
            {{"from", {{"userid", user}}}, {"msgtype", "text"}, {"text", {{"content", text}}}});
    }
    CallbackRequest click(const std::string& key, const std::string& user,
                          const std::string& task_id) {
        return bot_callback({{"from", {{"userid", user}}},
                             {"msgtype", "event"},
                             {"event",
                              {{"eventtype", "template_card_event"},
                               {"template_card_event",
                                {{"card_type", "button_interaction"},
                                 {"event_key", key},
                                 {"task_id", task_id}}}}}});
    }
    // The decrypted reply; null when the server said nothing. The HTTP status must be 200.
    json send(const CallbackRequest& request) {
        auto response = post(request.target, request.body, request.content_type);
        EXPECT_EQ(response.status, 200) << response.body;
        if (response.status != 200 || response.body.empty() || response.body == "success") {
            return nullptr;
        }
        return json::parse(open_reply(channel("group-bot"), response.body));
    }
    std::string status_in_store() {
        SQLite::Database db(config_.database, SQLite::OPEN_READONLY, 5000);
        return db.execAndGet("SELECT status FROM tickets WHERE number = 1").getString();
    }
    int event_count() {
        SQLite::Database db(config_.database, SQLite::OPEN_READONLY, 5000);
        return db.execAndGet("SELECT COUNT(*) FROM ticket_events").getInt();
    }
    // Creates ticket #1 and returns the task_id of its card.
    std::string create() {
        const json card = send(mention("@助手 工单 VPN 连不上", "wangwu"));
        EXPECT_EQ(card.value("msgtype", ""), "template_card") << card;
        return card.at("template_card").at("task_id");
    }

    int sequence_ = 0;
};

std::string field(const json& card, const std::string& name) {
    for (const auto& f : card.at("horizontal_content_list")) {
        if (f.at("keyname") == name) return f.at("value");
    }
    return "";
}

TEST_F(TicketCardsTest, ACreateIsAnsweredWithACard) {
    const json reply = send(mention("@助手 工单 VPN 连不上", "wangwu"));
    ASSERT_EQ(reply.at("msgtype"), "template_card") << reply;
    const json& card = reply.at("template_card");
    EXPECT_EQ(card.at("card_type"), "button_interaction");
    EXPECT_EQ(card.at("main_title").at("title"), "工单 #1 已创建");
    EXPECT_EQ(field(card, "状态"), "待处理");
    EXPECT_EQ(field(card, "报告人"), "wangwu");
    ASSERT_EQ(card.at("button_list").size(), 3u);
    EXPECT_EQ(card.at("button_list")[0].at("key"), "gd-ticket:1:start");
    const json shown = send(mention("@助手 查询 #1", "wangwu"));
    EXPECT_EQ(shown.at("template_card").at("main_title").at("title"), "工单 #1");
    EXPECT_NE(shown.at("template_card").at("task_id"), card.at("task_id"));
}

TEST_F(TicketCardsTest, AnAgentsClickResolvesTheTicketForEveryoneOnce) {
    const std::string task_id = create();
    const auto request = click("gd-ticket:1:resolve", "zhangsan", task_id);
    const json update = send(request);
    ASSERT_EQ(update.value("response_type", ""), "update_template_card") << update;
    EXPECT_FALSE(update.contains("userids"));  // the whole group sees it
    EXPECT_EQ(field(update.at("template_card"), "状态"), "已解决");
    EXPECT_EQ(status_in_store(), "resolved");
    const int events = event_count();

    // The same callback again (a platform retry): the same card, nothing moved again.
    const json again = send(request);
    EXPECT_EQ(again, update);
    EXPECT_EQ(event_count(), events);
}

TEST_F(TicketCardsTest, ACustomersClickChangesNothingAndAnswersThemAlone) {
    const std::string task_id = create();
    const json update = send(click("gd-ticket:1:resolve", "wangwu", task_id));
    ASSERT_EQ(update.value("response_type", ""), "update_template_card") << update;
    EXPECT_EQ(update.at("userids"), json::array({"wangwu"}));
    EXPECT_EQ(update.at("template_card").at("sub_title_text"), "只有客服人员可以解决工单");
    EXPECT_EQ(field(update.at("template_card"), "状态"), "待处理");
    EXPECT_EQ(status_in_store(), "open");
    EXPECT_EQ(event_count(), 1);
}

// The ticket was committed but the process died before its dedup record was: the retry after a
// restart finds the recorded card (not a text, not a second ticket).
TEST_F(TicketCardsTest, ARetryAfterACrashGetsTheSameCard) {
    {
        SQLite::Database db(config_.database, SQLite::OPEN_READWRITE, 5000);
        db.exec(
            "CREATE TRIGGER lose_dedup BEFORE INSERT ON dedup "
            "BEGIN SELECT RAISE(ABORT, 'the process died here'); END");
    }
    const auto request = mention("@助手 工单 VPN 连不上", "wangwu");
    EXPECT_EQ(post(request.target, request.body, request.content_type).status, 503);
    stop();
    {
        SQLite::Database db(config_.database, SQLite::OPEN_READWRITE, 5000);
        db.exec("DROP TRIGGER lose_dedup");
    }
    start();
    const json retried = send(request);
    ASSERT_EQ(retried.value("msgtype", ""), "template_card") << retried;
    EXPECT_EQ(retried.at("template_card").at("main_title").at("title"), "工单 #1 已创建");
    EXPECT_EQ(event_count(), 1);
}

}  // namespace
}  // namespace groupdesk::test
