// The conversation routes over the real ReplyWindowService and the in-memory stores: the list and
// its filters and pages, one conversation, an agent's message and the window's refusals.
#include "api/conversations_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "api/tickets_api.h"
#include "tests/support/fake_clock.h"
#include "tests/support/memory_conversation_store.h"
#include "tests/support/memory_outbox_store.h"
#include "tests/support/memory_ticket_store.h"
#include "tickets/reply_window_service.h"
#include "tickets/ticket_service.h"

namespace groupdesk::api {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using tickets::ConversationKey;
using tickets::TrackedConversation;

const std::string kToken = "agent-token-0123456789abcdefghijklmnop";
const tickets::time_point t0{seconds{1'800'000'000}};  // 2027-01-15T08:00:00Z

config::Config two_accounts() {
    config::Config config;
    for (const char* name : {"mp", "mp2"}) {
        config::Channel channel;
        channel.name = name;
        channel.kind = config::ChannelKind::Mp;
        config.channels.push_back(channel);
    }
    return config;
}

class ConversationsApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        previous_logger_ = spdlog::default_logger();
        spdlog::set_default_logger(std::make_shared<spdlog::logger>(
            "api-quiet", std::make_shared<spdlog::sinks::null_sink_mt>()));
        api.serve_conversations(&conversations_api);
        // Deadlines: oA t0+48h (waiting), oB t0+49h (answered, an open ticket), oC t0+50h
        // (answered, nothing open).
        message("mp", "oA", t0, "where is my order");
        message("mp", "oB", t0 + hours{1}, "refund please");
        answer("mp", "oB", t0 + hours{1} + minutes{10});
        message("mp", "oC", t0 + hours{2}, "thanks");
        answer("mp", "oC", t0 + hours{2} + minutes{5});
        tickets::NewTicket refund;
        refund.title = "Refund";
        ASSERT_TRUE(ticket_service
                        .create(refund, {"oB", tickets::ActorRole::Customer},
                                {"mp", tickets::GroupKind::User, "oB"}, t0 + hours{1})
                        .ok());
        clock.set(t0 + hours{3});
    }
    void TearDown() override { spdlog::set_default_logger(previous_logger_); }

    // The user writes at `at`: the window opens (or renews) as a callback would record it.
    void message(const std::string& channel, const std::string& user, tickets::time_point at,
                 const std::string& text, int quota_left = 5) {
        const ConversationKey key{channel, user};
        const auto schedule = service.schedule();
        auto edit = [=](std::optional<TrackedConversation>& row) {
            const bool changed = tickets::apply_action(
                row, key, tickets::WindowAction::Message, at, text,
                "msg-" + user + std::to_string(to_unix_seconds(at)), schedule);
            if (row) row->quota_left = quota_left;
            return changed;
        };
        ASSERT_TRUE(tickets::update_and_wait(conversations, {{key, edit}}, {}, at).ok());
    }
    void answer(const std::string& channel, const std::string& user, tickets::time_point at) {
        auto edit = [=](std::optional<TrackedConversation>& row) {
            if (row) tickets::apply_answer(*row, at);
            return row.has_value();
        };
        ASSERT_TRUE(
            tickets::update_and_wait(conversations, {{{channel, user}, edit}}, {}, at).ok());
    }

    HttpResponse call(std::string method, std::string target, std::string body = {},
                      const std::string& token = kToken) {
        HttpRequest request;
        request.method = std::move(method);
        request.target = std::move(target);
        request.body = std::move(body);
        if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
        request.headers.emplace_back("Content-Type", "application/json");
        return api.handle(request);
    }
    json get_json(const std::string& target) {
        const auto r = call("GET", target);
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        return json::parse(r.body);
    }
    static json error_of(const HttpResponse& r, int status) {
        EXPECT_EQ(r.status, status) << r.body;
        return json::parse(r.body).value("error", json::object());
    }
    static std::vector<std::string> users(const json& page) {
        std::vector<std::string> out;
        for (const auto& c : page.at("conversations")) out.push_back(c.at("user"));
        return out;
    }

    std::shared_ptr<spdlog::logger> previous_logger_;
    const config::Config config_ = two_accounts();
    std::shared_ptr<test::MemoryOutboxStore> outbox = std::make_shared<test::MemoryOutboxStore>();
    test::MemoryTicketStore ticket_store{outbox};
    test::MemoryConversationStore conversations{*outbox};
    tickets::ReplyWindowService service{conversations, ticket_store, *outbox, config_};
    tickets::TicketService ticket_service{ticket_store};
    test::FakeClock clock{t0};
    int pokes = 0;
    ConversationsApi conversations_api{service, clock, [this] { ++pokes; }};
    TicketsApi api{
        ticket_service, clock, {{"helpdesk", kToken, config::ApiToken::Role::Agent}}, outbox.get()};
};

TEST_F(ConversationsApiTest, TheWindowClosingFirstComesFirst) {
    const json page = get_json("/api/v1/conversations");
    EXPECT_THAT(users(page), ::testing::ElementsAre("oA", "oB", "oC"));
    EXPECT_FALSE(page.contains("next_after"));
}

TEST_F(ConversationsApiTest, AtRiskIsAWaitingUserOrAnOpenTicket) {
    EXPECT_THAT(users(get_json("/api/v1/conversations?at_risk=true")),
                ::testing::ElementsAre("oA", "oB"));
    EXPECT_THAT(users(get_json("/api/v1/conversations?at_risk=false")),
                ::testing::ElementsAre("oA", "oB", "oC"));
}

TEST_F(ConversationsApiTest, TheChannelFilterKeepsOneAccount) {
    message("mp2", "oD", t0 + hours{2}, "hello");
    EXPECT_THAT(users(get_json("/api/v1/conversations?channel=mp2")), ::testing::ElementsAre("oD"));
    EXPECT_EQ(get_json("/api/v1/conversations?channel=mp").at("conversations").size(), 3u);
}

TEST_F(ConversationsApiTest, PagesFollowTheCursor) {
    const json first = get_json("/api/v1/conversations?limit=2");
    EXPECT_THAT(users(first), ::testing::ElementsAre("oA", "oB"));
    ASSERT_TRUE(first.contains("next_after")) << first.dump();
    const json second = get_json("/api/v1/conversations?limit=2&after=" +
                                 first.at("next_after").get<std::string>());
    EXPECT_THAT(users(second), ::testing::ElementsAre("oC"));
    EXPECT_FALSE(second.contains("next_after"));
}

TEST_F(ConversationsApiTest, BadQueriesNameTheParameter) {
    const std::pair<std::string, std::string> cases[] = {
        {"at_risk=yes", "at_risk"}, {"limit=0", "limit"},       {"limit=101", "limit"},
        {"limit=x", "limit"},       {"channel=MP!", "channel"}, {"after=garbage", "after"},
        {"sort=deadline", "sort"},
    };
    for (const auto& [query, field] : cases) {
        EXPECT_EQ(error_of(call("GET", "/api/v1/conversations?" + query), 400).value("field", ""),
                  field)
            << query;
    }
    EXPECT_EQ(error_of(call("GET", "/api/v1/conversations/mp/oA?x=1"), 400).value("field", ""),
              "query");
}

TEST_F(ConversationsApiTest, EveryRouteNeedsAToken) {
    EXPECT_EQ(call("GET", "/api/v1/conversations", "", "").status, 401);
    EXPECT_EQ(call("GET", "/api/v1/conversations/mp/oA", "", "wrong").status, 401);
    EXPECT_EQ(call("POST", "/api/v1/conversations/mp/oA/messages", R"({"text":"hi"})", "").status,
              401);
    EXPECT_EQ(outbox->list({}).value().size(), 0u);
}

TEST_F(ConversationsApiTest, OneConversationShowsItsWindow) {
    const json c = get_json("/api/v1/conversations/mp/oB");
    EXPECT_EQ(c.at("channel"), "mp");
    EXPECT_EQ(c.at("user"), "oB");
    EXPECT_EQ(c.at("opened_by"), "message");
    EXPECT_EQ(c.at("window_opened_at"), "2027-01-15T09:00:00Z");
    EXPECT_EQ(c.at("deadline"), "2027-01-17T09:00:00Z");
    EXPECT_EQ(c.at("open"), true);
    EXPECT_EQ(c.at("seconds_left"), 46 * 3600);
    EXPECT_EQ(c.at("quota_left"), 5);
    EXPECT_EQ(c.at("waiting"), false);
    EXPECT_EQ(c.at("at_risk"), true);
    EXPECT_EQ(c.at("last_message_at"), "2027-01-15T09:00:00Z");
    EXPECT_EQ(c.at("last_answer_at"), "2027-01-15T09:10:00Z");
    EXPECT_EQ(c.at("last_excerpt"), "refund please");
    EXPECT_EQ(c.at("open_tickets"), json::array({1}));
    EXPECT_TRUE(c.contains("next_alert_at"));
    EXPECT_EQ(c.at("alerts_sent"), 0);

    clock.set(t0 + hours{60});
    const json closed = get_json("/api/v1/conversations/mp/oA");
    EXPECT_EQ(closed.at("open"), false);
    EXPECT_EQ(closed.at("seconds_left"), 0);
    EXPECT_EQ(closed.at("at_risk"), false);
    EXPECT_TRUE(closed.at("last_answer_at").is_null());
}

TEST_F(ConversationsApiTest, UnknownConversationsAreNotFound) {
    error_of(call("GET", "/api/v1/conversations/mp/nobody"), 404);
    error_of(call("GET", "/api/v1/conversations/other/oA"), 404);
    error_of(call("GET", "/api/v1/conversations/MP!/oA"), 404);
    error_of(call("GET", "/api/v1/conversations/mp/" + std::string(129, 'o')), 404);
    error_of(call("GET", "/api/v1/conversations//oA"), 404);
    error_of(call("GET", "/api/v1/conversations/mp"), 404);
    error_of(call("POST", "/api/v1/conversations/mp/nobody/messages", R"({"text":"hi"})"), 404);
    error_of(call("GET", "/api/v1/conversations/mp/oA/messages"), 405);
    EXPECT_EQ(pokes, 0);
}

TEST_F(ConversationsApiTest, AMessageIsQueuedAsACustomerServiceMessage) {
    const auto r = call("POST", "/api/v1/conversations/mp/oA/messages", R"({"text":"on its way"})");
    ASSERT_EQ(r.status, 202) << r.body;
    const json row = json::parse(r.body).at("notification");
    EXPECT_EQ(row.at("kind"), "message");
    EXPECT_EQ(row.at("route"), "custom_message");
    EXPECT_EQ(row.at("state"), "pending");
    EXPECT_EQ(row.at("target"), "oA");
    EXPECT_EQ(row.at("text"), "on its way");
    EXPECT_EQ(pokes, 1);

    const auto stored = outbox->find(row.at("id").get<std::int64_t>());
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ((*stored)->kind, tickets::NotificationKind::Message);
    EXPECT_EQ((*stored)->route, tickets::Route::CustomMessage);
    EXPECT_EQ((*stored)->channel, "mp");
    EXPECT_EQ((*stored)->target, "oA");

    const json listed = get_json("/api/v1/notifications?kind=message");
    ASSERT_EQ(listed.at("notifications").size(), 1u);
    EXPECT_EQ(listed.at("notifications")[0].at("kind"), "message");
}

TEST_F(ConversationsApiTest, AClosedWindowRefusesWithWindowClosed) {
    clock.set(t0 + hours{48});
    const json error =
        error_of(call("POST", "/api/v1/conversations/mp/oA/messages", R"({"text":"late"})"), 409);
    EXPECT_EQ(error.at("code"), "window_closed");
    EXPECT_FALSE(error.at("message").get<std::string>().empty());
    EXPECT_EQ(outbox->list({}).value().size(), 0u);
    EXPECT_EQ(pokes, 0);
}

TEST_F(ConversationsApiTest, AUsedQuotaRefusesWithQuotaExhausted) {
    message("mp", "oE", t0 + hours{2}, "again", /*quota_left=*/0);
    const json error =
        error_of(call("POST", "/api/v1/conversations/mp/oE/messages", R"({"text":"six"})"), 409);
    EXPECT_EQ(error.at("code"), "quota_exhausted");
    EXPECT_EQ(outbox->list({}).value().size(), 0u);
}

TEST_F(ConversationsApiTest, BadMessageBodiesAreRefused) {
    const std::string path = "/api/v1/conversations/mp/oA/messages";
    EXPECT_EQ(error_of(call("POST", path, R"({"text":""})"), 400).value("field", ""), "text");
    EXPECT_EQ(error_of(call("POST", path, R"({})"), 400).value("field", ""), "text");
    EXPECT_EQ(error_of(call("POST", path, R"({"text":1})"), 400).value("field", ""), "text");
    EXPECT_EQ(error_of(call("POST", path, R"({"text":"x","to":"y"})"), 400).value("field", ""),
              "to");
    error_of(call("POST", path, "not json"), 400);
    HttpRequest form;
    form.method = "POST";
    form.target = path;
    form.body = "text=hi";
    form.headers.emplace_back("Authorization", "Bearer " + kToken);
    form.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    EXPECT_EQ(api.handle(form).status, 415);
    EXPECT_EQ(outbox->list({}).value().size(), 0u);
}

TEST_F(ConversationsApiTest, NotificationKindsAndWindowStatesAreFilters) {
    EXPECT_EQ(error_of(call("GET", "/api/v1/notifications?kind=spam"), 400).value("field", ""),
              "kind");
    for (const char* state : {"window_closed", "quota_exhausted"}) {
        EXPECT_EQ(call("GET", std::string("/api/v1/notifications?state=") + state).status, 200);
    }
}

TEST(ConversationsApiUnserved, ConversationsAreNotFoundWithoutTheApi) {
    test::MemoryTicketStore store;
    tickets::TicketService service{store};
    test::FakeClock clock{t0};
    TicketsApi api{service, clock, {{"helpdesk", kToken, config::ApiToken::Role::Agent}}};
    HttpRequest request;
    request.method = "GET";
    request.target = "/api/v1/conversations";
    request.headers.emplace_back("Authorization", "Bearer " + kToken);
    EXPECT_EQ(api.handle(request).status, 404);
}

}  // namespace
}  // namespace groupdesk::api
