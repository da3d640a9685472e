// Tests of FakeAiBotServer through a small synchronous Beast WebSocket client: subscriptions,
// acks, pushes, server frames, drops, replacement and shutdown; and that the platform bodies it
// builds decode as AI-bot messages.
#include "tests/support/fake_aibot_server.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "wecom/json_codec.h"

namespace groupdesk::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Json = nlohmann::json;
using namespace std::chrono_literals;

// Writes block; reads run the io_context with a deadline so a missing frame fails the test
// instead of hanging it.
class WsClient {
public:
    explicit WsClient(const std::string& url) {
        const std::string port = url.substr(url.rfind(':') + 1);
        beast::get_lowest_layer(ws_).connect(tcp::endpoint(
            asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(port))));
        ws_.handshake("127.0.0.1:" + port, "/");
    }

    void send_text(const std::string& text) {
        ws_.text(true);
        ws_.write(asio::buffer(text));
    }
    void send(const std::string& cmd, const std::string& req_id, const Json& body = nullptr) {
        Json frame{{"cmd", cmd}, {"headers", {{"req_id", req_id}}}};
        if (!body.is_null()) frame["body"] = body;
        send_text(frame.dump());
    }

    // The next frame, or nullopt when the read failed (error()) or timed out (timed_out()).
    std::optional<Json> read(std::chrono::milliseconds timeout = 5s) {
        std::optional<beast::error_code> result;
        buffer_.clear();
        ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) { result = ec; });
        io_.restart();
        io_.run_for(timeout);
        if (!result) {
            timed_out_ = true;
            beast::get_lowest_layer(ws_).close();  // ends the read; the stream is unusable now
            io_.restart();
            io_.run();
            return std::nullopt;
        }
        error_ = *result;
        if (error_) return std::nullopt;
        return Json::parse(beast::buffers_to_string(buffer_.data()));
    }

    beast::error_code error() const { return error_; }
    bool timed_out() const { return timed_out_; }

private:
    asio::io_context io_;
    websocket::stream<beast::tcp_stream> ws_{io_};
    beast::flat_buffer buffer_;
    beast::error_code error_;
    bool timed_out_ = false;
};

Json subscribe(WsClient& client, const std::string& bot_id = "test-bot",
               const std::string& secret = "test-bot-secret", const std::string& req_id = "sub-1") {
    client.send("aibot_subscribe", req_id, {{"bot_id", bot_id}, {"secret", secret}});
    return client.read().value_or(Json());
}

TEST(FakeAiBotServerTest, SubscribeWithTheRightCredentialsIsAcked) {
    FakeAiBotServer server;
    EXPECT_EQ(server.url().rfind("ws://127.0.0.1:", 0), 0u);
    EXPECT_FALSE(server.connected());
    WsClient client(server.url());
    const Json ack = subscribe(client);
    EXPECT_EQ(ack, Json::parse(R"({"headers":{"req_id":"sub-1"},"errcode":0,"errmsg":"ok"})"));
    EXPECT_TRUE(server.wait_subscribed(1));
    EXPECT_EQ(server.subscriptions(), 1);
    EXPECT_EQ(server.connections(), 1);
    EXPECT_TRUE(server.connected());
}

TEST(FakeAiBotServerTest, WrongCredentialsAreRefusedWith853000) {
    FakeAiBotServer server(FakeAiBotServer::Options{.bot_id = "bot-a", .secret = "s3cret"});
    WsClient client(server.url());
    const Json bad_secret = subscribe(client, "bot-a", "wrong", "s1");
    EXPECT_EQ(bad_secret["errcode"], 853000);
    EXPECT_EQ(bad_secret["errmsg"], "invalid bot_id or secret");
    EXPECT_EQ(bad_secret["headers"]["req_id"], "s1");
    EXPECT_EQ(subscribe(client, "bot-b", "s3cret", "s2")["errcode"], 853000);
    EXPECT_EQ(server.subscriptions(), 0);
    EXPECT_FALSE(server.wait_subscribed(1, 50ms));
    EXPECT_EQ(subscribe(client, "bot-a", "s3cret", "s3")["errcode"], 0);
    EXPECT_EQ(server.subscriptions(), 1);
}

TEST(FakeAiBotServerTest, RefusedSubscriptionsAnswerTheCodeUntilReset) {
    FakeAiBotServer server;
    server.refuse_subscriptions(45009);
    WsClient client(server.url());
    const Json refused = subscribe(client);
    EXPECT_EQ(refused["errcode"], 45009);
    EXPECT_EQ(refused["errmsg"], "api freq out of limit");
    EXPECT_EQ(server.subscriptions(), 0);
    server.refuse_subscriptions(0);
    EXPECT_EQ(subscribe(client)["errcode"], 0);
    EXPECT_EQ(server.subscriptions(), 1);
}

TEST(FakeAiBotServerTest, PingsAreAcked) {
    FakeAiBotServer server;
    WsClient client(server.url());
    client.send("ping", "p1");
    EXPECT_EQ(client.read().value_or(Json()),
              Json::parse(R"({"headers":{"req_id":"p1"},"errcode":0,"errmsg":"ok"})"));
}

TEST(FakeAiBotServerTest, PingsGoUnansweredWhenTheOptionSaysSo) {
    FakeAiBotServer server(FakeAiBotServer::Options{.ack_pings = false});
    WsClient client(server.url());
    client.send("ping", "p1");
    ASSERT_TRUE(server.wait_for_answer("ping", "p1"));
    ASSERT_TRUE(server.send_text(R"({"cmd":"marker"})"));
    EXPECT_EQ(client.read().value_or(Json())["cmd"], "marker");  // and no ack before it
}

TEST(FakeAiBotServerTest, PushesAreAckedWithTheSetErrcodeOrHang) {
    FakeAiBotServer server;
    WsClient client(server.url());
    const Json push{
        {"chatid", "chat-1"}, {"msgtype", "markdown"}, {"markdown", {{"content", "x"}}}};
    client.send("aibot_send_msg", "push-1", push);
    EXPECT_EQ(client.read().value_or(Json())["errcode"], 0);

    server.set_push_errcode(846609, "chat not allowed");
    client.send("aibot_send_msg", "push-2", push);
    const Json refused = client.read().value_or(Json());
    EXPECT_EQ(refused["headers"]["req_id"], "push-2");
    EXPECT_EQ(refused["errcode"], 846609);
    EXPECT_EQ(refused["errmsg"], "chat not allowed");

    server.set_push_errcode(0);
    server.hang_pushes(true);
    client.send("aibot_send_msg", "push-3", push);
    client.send("ping", "p1");
    EXPECT_EQ(client.read().value_or(Json())["headers"]["req_id"], "p1");  // push-3 unanswered
    server.hang_pushes(false);
    client.send("aibot_send_msg", "push-4", push);
    const Json late = client.read().value_or(Json());
    EXPECT_EQ(late["headers"]["req_id"], "push-4");
    EXPECT_EQ(late["errcode"], 0);
    EXPECT_EQ(server.received("aibot_send_msg").size(), 4u);
}

TEST(FakeAiBotServerTest, RepliesAreRecordedAndAcked) {
    FakeAiBotServer server;
    WsClient client(server.url());
    for (const char* cmd :
         {"aibot_respond_msg", "aibot_respond_welcome_msg", "aibot_respond_update_msg"}) {
        client.send(cmd, std::string("r-") + cmd, {{"msgtype", "stream"}});
        const Json ack = client.read().value_or(Json());
        EXPECT_EQ(ack["headers"]["req_id"], std::string("r-") + cmd);
        EXPECT_EQ(ack["errcode"], 0);
        EXPECT_FALSE(ack.contains("cmd"));
    }
    const auto reply = server.wait_for_answer("aibot_respond_msg", "r-aibot_respond_msg");
    ASSERT_TRUE(reply);
    EXPECT_EQ((*reply)["body"]["msgtype"], "stream");
    EXPECT_FALSE(server.wait_for_answer("aibot_respond_msg", "other", 50ms));
    EXPECT_EQ(server.received("aibot_respond_update_msg").size(), 1u);
}

TEST(FakeAiBotServerTest, ReceivedKeepsEveryFrameInOrder) {
    FakeAiBotServer server;
    WsClient client(server.url());
    subscribe(client);
    client.send_text("not json");
    client.send("ping", "p1");
    ASSERT_TRUE(client.read());
    const auto frames = server.received();
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(frames[0]["cmd"], "aibot_subscribe");
    EXPECT_EQ(frames[0]["body"]["secret"], "test-bot-secret");
    EXPECT_EQ(frames[1], Json("not json"));
    EXPECT_EQ(frames[2]["cmd"], "ping");
    EXPECT_EQ(server.received("ping").size(), 1u);
}

TEST(FakeAiBotServerTest, MessagesAndEventsReachTheClientWithTheirReqId) {
    FakeAiBotServer server;
    EXPECT_FALSE(server.send_message("m0", Json::object()));  // nobody connected
    EXPECT_FALSE(server.send_disconnected_event());
    WsClient client(server.url());
    subscribe(client);
    const Json body = aibot_text_body("msg-1", "alice", "chat-1", "@bot help");
    ASSERT_TRUE(server.send_message("req-1", body));
    const Json message = client.read().value_or(Json());
    EXPECT_EQ(message["cmd"], "aibot_msg_callback");
    EXPECT_EQ(message["headers"]["req_id"], "req-1");
    EXPECT_EQ(message["body"], body);

    const Json click = aibot_card_click_body("msg-2", "bob", "chat-1", "t:1:accept", "tk1_1");
    ASSERT_TRUE(server.send_event("req-2", click));
    const Json event = client.read().value_or(Json());
    EXPECT_EQ(event["cmd"], "aibot_event_callback");
    EXPECT_EQ(event["headers"]["req_id"], "req-2");
    EXPECT_EQ(event["body"], click);
}

TEST(FakeAiBotServerTest, DisconnectedEventHasThePlatformShapeAndKeepsTheConnection) {
    FakeAiBotServer server;
    WsClient client(server.url());
    subscribe(client);
    ASSERT_TRUE(server.send_disconnected_event());
    const Json frame = client.read().value_or(Json());
    EXPECT_EQ(frame["cmd"], "aibot_event_callback");
    EXPECT_FALSE(frame["headers"]["req_id"].get<std::string>().empty());
    const Json& body = frame["body"];
    EXPECT_FALSE(body["msgid"].get<std::string>().empty());
    EXPECT_GT(body["create_time"].get<std::int64_t>(), 1'700'000'000);
    EXPECT_EQ(body["aibotid"], "test-bot");
    EXPECT_EQ(body["msgtype"], "event");
    EXPECT_EQ(body["event"], Json::parse(R"({"eventtype":"disconnected_event"})"));
    EXPECT_TRUE(server.connected());
    client.send("ping", "p1");
    EXPECT_TRUE(client.read());
}

TEST(FakeAiBotServerTest, DropMakesTheClientReadFail) {
    FakeAiBotServer server;
    auto client = std::make_unique<WsClient>(server.url());
    subscribe(*client);
    server.drop();
    EXPECT_FALSE(server.connected());
    EXPECT_FALSE(client->read());
    EXPECT_FALSE(client->timed_out());
    EXPECT_TRUE(client->error());
    EXPECT_FALSE(server.send_text("{}"));

    WsClient again(server.url());  // the server still accepts
    EXPECT_EQ(subscribe(again)["errcode"], 0);
    EXPECT_EQ(server.connections(), 2);
    EXPECT_TRUE(server.wait_subscribed(2));
}

TEST(FakeAiBotServerTest, ASecondConnectionReplacesTheFirst) {
    FakeAiBotServer server;
    WsClient first(server.url());
    subscribe(first);
    WsClient second(server.url());
    EXPECT_FALSE(first.read());  // closed by the server
    EXPECT_FALSE(first.timed_out());
    EXPECT_EQ(first.error(), websocket::error::closed);
    EXPECT_EQ(server.connections(), 2);
    EXPECT_TRUE(server.connected());
    ASSERT_TRUE(server.send_message("req-1", aibot_text_body("m1", "alice", "", "hi")));
    EXPECT_EQ(second.read().value_or(Json())["headers"]["req_id"], "req-1");
    EXPECT_EQ(subscribe(second, "test-bot", "test-bot-secret", "sub-2")["errcode"], 0);
    EXPECT_EQ(server.received("aibot_subscribe").size(), 2u);
}

TEST(FakeAiBotServerTest, DestructorReturnsPromptlyWithAClientConnected) {
    auto server = std::make_unique<FakeAiBotServer>();
    WsClient client(server->url());
    subscribe(client);
    server->hang_pushes(true);
    client.send("aibot_send_msg", "push-1", {{"chatid", "c"}});
    ASSERT_TRUE(server->wait_for_answer("aibot_send_msg", "push-1"));
    const auto started = std::chrono::steady_clock::now();
    server.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
    EXPECT_FALSE(client.read(2s));
    EXPECT_FALSE(client.timed_out());
}

TEST(FakeAiBotServerTest, BodiesDecodeAsAiBotMessages) {
    const auto group = wecom::decode_aibot_message(
        aibot_text_body("msg-1", "alice", "chat-1", "@bot help").dump());
    ASSERT_TRUE(group);
    EXPECT_EQ(group.value().msg_id, "msg-1");
    EXPECT_EQ(group.value().sender, "alice");
    EXPECT_EQ(group.value().chat_type, wecom::ChatType::Group);
    EXPECT_EQ(group.value().chat_id, "chat-1");
    EXPECT_FALSE(group.value().response_url.empty());
    ASSERT_TRUE(std::holds_alternative<wecom::TextBody>(group.value().body));
    EXPECT_EQ(std::get<wecom::TextBody>(group.value().body).content, "@bot help");

    const Json single_body = aibot_text_body("msg-2", "bob", "", "hi");
    EXPECT_FALSE(single_body.contains("chatid"));
    const auto single = wecom::decode_aibot_message(single_body.dump());
    ASSERT_TRUE(single);
    EXPECT_EQ(single.value().chat_type, wecom::ChatType::Single);

    const auto click = wecom::decode_aibot_message(
        aibot_card_click_body("msg-3", "carol", "chat-1", "t:7:accept", "tk7_1").dump());
    ASSERT_TRUE(click);
    EXPECT_EQ(click.value().sender, "carol");
    EXPECT_EQ(click.value().chat_id, "chat-1");
    EXPECT_GT(click.value().create_time, 0);
    ASSERT_TRUE(std::holds_alternative<wecom::EventBody>(click.value().body));
    const auto& event = std::get<wecom::EventBody>(click.value().body);
    EXPECT_EQ(event.event, "template_card_event");
    EXPECT_EQ(event.event_key, "t:7:accept");
    EXPECT_EQ(event.fields.at("task_id"), "tk7_1");
    EXPECT_EQ(event.fields.at("card_type"), "button_interaction");
}

}  // namespace
}  // namespace groupdesk::test
