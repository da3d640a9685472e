// Tests of the AI bot's long-connection frames: decoding what the platform sends (and refusing
// what it should not), and the exact JSON of every frame GroupDesk sends.
#include "wecom/aibot_frames.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "wecom/json_codec.h"

namespace groupdesk::wecom {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kGroupTextBody =
    R"({"msgid":"MSG1","create_time":1767225600,"aibotid":"AIBOT","chatid":"CHAT42",)"
    R"("chattype":"group","from":{"userid":"zhangsan"},"response_url":"https://r.example/1",)"
    R"("msgtype":"text","text":{"content":"@assistant 工单 打印机"}})";
constexpr std::string_view kEnterChatBody =
    R"({"msgid":"MSG2","aibotid":"AIBOT","from":{"userid":"lisi"},"msgtype":"event",)"
    R"("event":{"eventtype":"enter_chat"}})";
constexpr std::string_view kCardClickBody =
    R"({"msgid":"MSG3","aibotid":"AIBOT","from":{"userid":"lisi"},"chatid":"CHAT42",)"
    R"("chattype":"group","msgtype":"event","event":{"eventtype":"template_card_event",)"
    R"("template_card_event":{"card_type":"button_interaction","event_key":"t:10427:accept",)"
    R"("task_id":"tk10427_1"}}})";
constexpr std::string_view kDisconnectedBody =
    R"({"msgid":"MSG4","aibotid":"AIBOT","from":{"userid":"sys"},"msgtype":"event",)"
    R"("event":{"eventtype":"disconnected_event"}})";

std::string frame_text(std::string_view cmd, std::string_view req_id, std::string_view body) {
    return R"({"cmd":")" + std::string(cmd) + R"(","headers":{"req_id":")" + std::string(req_id) +
           R"("},"body":)" + std::string(body) + "}";
}

AiBotFrame decoded(const std::string& text) {
    auto frame = decode_aibot_frame(text);
    EXPECT_TRUE(frame.ok()) << (frame.ok() ? "" : frame.error().message);
    return frame.ok() ? *frame : AiBotFrame{};
}

// The frame's message is what the HTTP callback decoder makes of the same body.
void expect_same_as_callback(const AiBotFrame& frame, std::string_view body) {
    ASSERT_TRUE(frame.message.has_value());
    const auto want = decode_aibot_message(body);
    ASSERT_TRUE(want.ok());
    const InboundMessage& got = *frame.message;
    EXPECT_EQ(got.kind, config::ChannelKind::AiBot);
    EXPECT_EQ(got.msg_type, want->msg_type);
    EXPECT_EQ(got.msg_id, want->msg_id);
    EXPECT_EQ(got.sender, want->sender);
    EXPECT_EQ(got.recipient, want->recipient);
    EXPECT_EQ(got.chat_id, want->chat_id);
    EXPECT_EQ(got.chat_type, want->chat_type);
    EXPECT_EQ(got.create_time, want->create_time);
    EXPECT_EQ(got.response_url, want->response_url);
    ASSERT_EQ(got.body.index(), want->body.index());
    if (const auto* text = std::get_if<TextBody>(&got.body)) {
        EXPECT_EQ(text->content, std::get<TextBody>(want->body).content);
    }
    if (const auto* event = std::get_if<EventBody>(&got.body)) {
        const auto& want_event = std::get<EventBody>(want->body);
        EXPECT_EQ(event->event, want_event.event);
        EXPECT_EQ(event->event_key, want_event.event_key);
        EXPECT_EQ(event->fields, want_event.fields);
    }
}

InboundMessage message_of(std::string_view body) {
    auto msg = decode_aibot_message(body);
    EXPECT_TRUE(msg.ok());
    return msg.ok() ? *msg : InboundMessage{};
}

Json parsed(const std::string& text) {
    Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(json.is_discarded()) << text;
    return json;
}

std::vector<std::string> keys_of(const Json& json) {
    std::vector<std::string> keys;
    for (auto it = json.begin(); it != json.end(); ++it) keys.push_back(it.key());
    return keys;
}

TemplateCard ticket_card() {
    TemplateCard card;
    card.task_id = "tk10427_2";
    card.main_title = {"工单 #10427 处理中", "李四 已接单"};
    card.button_list = {{"解决", 1, "t:10427:resolve"}};
    return card;
}

TEST(AiBotFrames, DecodesAGroupTextMessageFrame) {
    const AiBotFrame frame = decoded(frame_text(kCmdMsgCallback, "req-1", kGroupTextBody));
    EXPECT_EQ(frame.cmd, kCmdMsgCallback);
    EXPECT_EQ(frame.req_id, "req-1");
    EXPECT_FALSE(frame.is_ack());
    EXPECT_FALSE(frame.errcode.has_value());
    expect_same_as_callback(frame, kGroupTextBody);
    ASSERT_TRUE(frame.message.has_value());
    EXPECT_EQ(frame.message->chat_id, "CHAT42");
    EXPECT_EQ(frame.message->chat_type, ChatType::Group);
    EXPECT_EQ(std::get<TextBody>(frame.message->body).content, "@assistant 工单 打印机");
}

TEST(AiBotFrames, DecodesEventFrames) {
    const AiBotFrame enter = decoded(frame_text(kCmdEventCallback, "req-2", kEnterChatBody));
    expect_same_as_callback(enter, kEnterChatBody);
    EXPECT_EQ(std::get<EventBody>(enter.message->body).event, "enter_chat");

    const AiBotFrame click = decoded(frame_text(kCmdEventCallback, "req-3", kCardClickBody));
    expect_same_as_callback(click, kCardClickBody);
    const auto& event = std::get<EventBody>(click.message->body);
    EXPECT_EQ(event.event, "template_card_event");
    EXPECT_EQ(event.event_key, "t:10427:accept");
    EXPECT_EQ(event.fields.at("task_id"), "tk10427_1");
    EXPECT_EQ(event.fields.at("card_type"), "button_interaction");

    const AiBotFrame gone = decoded(frame_text(kCmdEventCallback, "req-4", kDisconnectedBody));
    EXPECT_TRUE(gone.disconnected);
    EXPECT_FALSE(gone.message.has_value());  // the connection's own business
    // However sparse: without `from` a message would not decode, but the takeover must be seen.
    const AiBotFrame bare =
        decoded(frame_text(kCmdEventCallback, "req-5",
                           R"({"msgtype":"event","event":{"eventtype":"disconnected_event"}})"));
    EXPECT_TRUE(bare.disconnected);
    const AiBotFrame entered = decoded(frame_text(kCmdEventCallback, "req-6", kEnterChatBody));
    EXPECT_FALSE(entered.disconnected);
}

TEST(AiBotFrames, DecodesAcks) {
    const AiBotFrame ok = decoded(R"({"headers":{"req_id":"sub-1"},"errcode":0,"errmsg":"ok"})");
    EXPECT_TRUE(ok.is_ack());
    EXPECT_EQ(ok.req_id, "sub-1");
    EXPECT_EQ(ok.errcode, 0);
    EXPECT_EQ(ok.errmsg, "ok");
    EXPECT_FALSE(ok.message.has_value());

    const AiBotFrame refused =
        decoded(R"({"headers":{"req_id":"sub-2"},"errcode":853000,"errmsg":"invalid bot_id"})");
    EXPECT_TRUE(refused.is_ack());
    EXPECT_EQ(refused.errcode, 853000);
    EXPECT_EQ(refused.errmsg, "invalid bot_id");

    // An ack without headers is still an ack, with no req_id to match.
    const AiBotFrame bare = decoded(R"({"errcode":45009})");
    EXPECT_TRUE(bare.is_ack());
    EXPECT_EQ(bare.req_id, "");
    EXPECT_EQ(bare.errcode, 45009);
    EXPECT_EQ(bare.errmsg, "");
}

TEST(AiBotFrames, UnknownCmdDecodesWithoutMessage) {
    const AiBotFrame frame =
        decoded(R"({"cmd":"aibot_future_thing","headers":{"req_id":"x"},"body":{"a":[1]}})");
    EXPECT_EQ(frame.cmd, "aibot_future_thing");
    EXPECT_EQ(frame.req_id, "x");
    EXPECT_FALSE(frame.is_ack());
    EXPECT_FALSE(frame.message.has_value());
}

TEST(AiBotFrames, MalformedFramesAreInvalidArgument) {
    const std::string deep = std::string(40, '[') + std::string(40, ']');
    // Well-formed, so only the depth guard refuses it.
    std::string deep_body = R"({"cmd":"ping","body":)";
    for (int i = 0; i < 40; ++i) deep_body += R"({"a":)";
    deep_body += "{}" + std::string(40, '}') + "}";
    // Each input with a word of the reason, so that each fails for the reason it is here for.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "empty"},
        {"not json", "well-formed"},
        {R"({"cmd":"ping")", "well-formed"},
        {R"([{"cmd":"ping"}])", "not an object"},
        {R"("aibot_msg_callback")", "not an object"},
        {R"({"cmd":"ping","headers":{"req_id":42}})", "req_id"},
        {R"({"cmd":"ping","headers":"req-1"})", "headers"},
        {R"({"cmd":7,"headers":{"req_id":"a"}})", "cmd"},
        {R"({"headers":{"req_id":"a"},"errcode":"0"})", "errcode"},
        {R"({"headers":{"req_id":"a"},"errcode":1.5})", "errcode"},
        {R"({"headers":{"req_id":"a"},"errcode":18446744073709551615})", "errcode"},
        {R"({"cmd":"aibot_msg_callback","headers":{"req_id":"a"}})", "without body"},
        {R"({"cmd":"aibot_event_callback","headers":{"req_id":"a"},"body":"{}"})", "body"},
        {R"({"cmd":"aibot_msg_callback","headers":{"req_id":"a"},"body":[]})", "body"},
        {R"({"cmd":"aibot_msg_callback","headers":{"req_id":"a"},"body":{"msgtype":"text"}})",
         "from.userid"},
        {R"({"headers":{"req_id":"a"},"body":{}})", "neither cmd nor errcode"},
        {R"({"cmd":"","headers":{"req_id":"a"}})", "neither cmd nor errcode"},
        {deep, "nested too deeply"},
        {deep_body, "nested too deeply"},
    };
    for (const auto& [input, reason] : cases) {
        SCOPED_TRACE(input);
        const auto frame = decode_aibot_frame(input);
        ASSERT_FALSE(frame.ok());
        EXPECT_EQ(frame.error().code, ErrorCode::InvalidArgument);
        EXPECT_NE(frame.error().message.find(reason), std::string::npos) << frame.error().message;
    }
}

TEST(AiBotFrames, SubscribeAndPingFrames) {
    const Json subscribe = parsed(encode_subscribe_frame("sub-1", "BOT\"1", "se\\cret"));
    EXPECT_EQ(keys_of(subscribe), (std::vector<std::string>{"cmd", "headers", "body"}));
    EXPECT_EQ(subscribe["cmd"], "aibot_subscribe");
    EXPECT_EQ(subscribe["headers"], Json({{"req_id", "sub-1"}}));
    EXPECT_EQ(subscribe["body"], Json({{"bot_id", "BOT\"1"}, {"secret", "se\\cret"}}));

    const Json ping = parsed(encode_ping_frame("ping-7"));
    EXPECT_EQ(keys_of(ping), (std::vector<std::string>{"cmd", "headers"}));
    EXPECT_EQ(ping["cmd"], "ping");
    EXPECT_EQ(ping["headers"]["req_id"], "ping-7");
}

TEST(AiBotFrames, RespondCmdForEachCase) {
    const InboundMessage text = message_of(kGroupTextBody);
    const InboundMessage enter = message_of(kEnterChatBody);
    const InboundMessage click = message_of(kCardClickBody);
    const InboundMessage gone = message_of(kDisconnectedBody);
    const Reply words = TextReply{"hi"};
    const Reply card = TemplateCardReply{ticket_card()};
    const Reply update = CardUpdateReply{ticket_card(), {}};

    EXPECT_EQ(respond_cmd_for(words, text), kCmdRespondMsg);
    EXPECT_EQ(respond_cmd_for(card, text), kCmdRespondMsg);
    EXPECT_EQ(respond_cmd_for(NewsReply{}, text), kCmdRespondMsg);
    EXPECT_EQ(respond_cmd_for(words, enter), kCmdRespondWelcome);
    EXPECT_EQ(respond_cmd_for(card, enter), kCmdRespondWelcome);
    EXPECT_EQ(respond_cmd_for(card, click), kCmdRespondUpdate);
    EXPECT_EQ(respond_cmd_for(update, click), kCmdRespondUpdate);
    EXPECT_EQ(respond_cmd_for(words, click), "");
    EXPECT_EQ(respond_cmd_for(words, gone), "");
    EXPECT_EQ(respond_cmd_for(card, gone), "");
}

// The body is the callback-mode reply, embedded as an object.
void expect_respond_frame(const Reply& reply, const InboundMessage& to, std::string_view cmd) {
    const Json frame = parsed(encode_respond_frame("req-9", reply, to, "stream-1"));
    EXPECT_EQ(keys_of(frame), (std::vector<std::string>{"cmd", "headers", "body"}));
    EXPECT_EQ(frame["cmd"], cmd);
    EXPECT_EQ(frame["headers"], Json({{"req_id", "req-9"}}));
    ASSERT_TRUE(frame["body"].is_object());
    EXPECT_EQ(frame["body"], parsed(encode_aibot_reply(reply, to, "stream-1")));
}

TEST(AiBotFrames, RespondFramesCarryTheCallbackReply) {
    const InboundMessage text = message_of(kGroupTextBody);
    const InboundMessage enter = message_of(kEnterChatBody);
    const InboundMessage click = message_of(kCardClickBody);

    expect_respond_frame(TextReply{"收到"}, text, kCmdRespondMsg);
    expect_respond_frame(TextReply{"欢迎"}, enter, kCmdRespondWelcome);
    expect_respond_frame(CardUpdateReply{ticket_card(), {"lisi"}}, click, kCmdRespondUpdate);
    expect_respond_frame(TemplateCardReply{ticket_card()}, text, kCmdRespondMsg);

    const Json stream = parsed(encode_respond_frame("r", TextReply{"收到"}, text, "s-1"));
    EXPECT_EQ(stream["body"]["msgtype"], "stream");
    EXPECT_EQ(stream["body"]["stream"]["id"], "s-1");
    EXPECT_EQ(stream["body"]["stream"]["finish"], true);
    EXPECT_EQ(stream["body"]["stream"]["content"], "收到");

    const Json update =
        parsed(encode_respond_frame("r", CardUpdateReply{ticket_card(), {}}, click, "s"));
    EXPECT_EQ(update["body"]["response_type"], "update_template_card");
    EXPECT_EQ(update["body"]["template_card"]["task_id"], "tk10427_2");
}

TEST(AiBotFrames, NoRespondFrameWhereThePlatformTakesNoAnswer) {
    EXPECT_EQ(encode_respond_frame("r", TextReply{"x"}, message_of(kCardClickBody), "s"), "");
    EXPECT_EQ(encode_respond_frame("r", TextReply{"x"}, message_of(kDisconnectedBody), "s"), "");
}

TEST(AiBotFrames, SendMsgFrameForSingleAndGroupChats) {
    const OutboundMessage markdown{true, "**工单 #1** 已解决", {}};
    const Json group = parsed(encode_send_msg_frame("push-1", "CHAT42", ChatType::Group, markdown));
    EXPECT_EQ(keys_of(group), (std::vector<std::string>{"cmd", "headers", "body"}));
    EXPECT_EQ(group["cmd"], "aibot_send_msg");
    EXPECT_EQ(group["headers"]["req_id"], "push-1");
    EXPECT_EQ(keys_of(group["body"]),
              (std::vector<std::string>{"chatid", "chat_type", "msgtype", "markdown"}));
    EXPECT_EQ(group["body"]["chatid"], "CHAT42");
    EXPECT_EQ(group["body"]["chat_type"], 2);
    EXPECT_EQ(group["body"]["msgtype"], "markdown");
    EXPECT_EQ(group["body"]["markdown"], Json({{"content", "**工单 #1** 已解决"}}));

    const Json single =
        parsed(encode_send_msg_frame("push-2", "zhangsan", ChatType::Single, markdown));
    EXPECT_EQ(single["body"]["chatid"], "zhangsan");
    EXPECT_EQ(single["body"]["chat_type"], 1);
}

TEST(AiBotFrames, PlainTextIsPushedAsMarkdownWithMentions) {
    const OutboundMessage plain{false, "工单 #1 已解决", {"zhangsan", "lisi"}};
    const Json frame = parsed(encode_send_msg_frame("p", "CHAT42", ChatType::Group, plain));
    EXPECT_EQ(frame["body"]["msgtype"], "markdown");
    EXPECT_FALSE(frame["body"].contains("text"));
    EXPECT_EQ(frame["body"]["markdown"]["content"], "工单 #1 已解决\n<@zhangsan> <@lisi>");

    const OutboundMessage markdown{true, "**x**", {"wangwu"}};
    const Json marked = parsed(encode_send_msg_frame("p", "CHAT42", ChatType::Group, markdown));
    EXPECT_EQ(marked["body"]["markdown"]["content"], "**x**\n<@wangwu>");
}

TEST(AiBotFrames, UserTextSurvivesARoundTrip) {
    const std::string hostile = "他说 \"关闭\"\n},\"cmd\":\"ping\",{\\ \t\x01 end";
    const Json push =
        parsed(encode_send_msg_frame(hostile, hostile, ChatType::Group, {true, hostile, {}}));
    EXPECT_EQ(push["cmd"], "aibot_send_msg");
    EXPECT_EQ(push["headers"]["req_id"], hostile);
    EXPECT_EQ(push["body"]["chatid"], hostile);
    EXPECT_EQ(push["body"]["markdown"]["content"], hostile);

    const Json reply =
        parsed(encode_respond_frame(hostile, TextReply{hostile}, message_of(kGroupTextBody), "s"));
    EXPECT_EQ(reply["headers"]["req_id"], hostile);
    EXPECT_EQ(reply["body"]["stream"]["content"], hostile);

    // A frame GroupDesk could be sent with the same text decodes back to it.
    Json body = Json::parse(kGroupTextBody);
    body["text"]["content"] = hostile;
    Json frame;
    frame["cmd"] = kCmdMsgCallback;
    frame["headers"]["req_id"] = hostile;
    frame["body"] = body;
    const AiBotFrame back = decoded(frame.dump());
    EXPECT_EQ(back.req_id, hostile);
    ASSERT_TRUE(back.message.has_value());
    EXPECT_EQ(std::get<TextBody>(back.message->body).content, hostile);
}

TEST(AiBotFrames, InvalidUtf8IsReplacedNotThrown) {
    const std::string bad = "ok \xff\xfe end";
    const std::string text = encode_send_msg_frame("p", "CHAT42", ChatType::Group, {true, bad, {}});
    const Json frame = parsed(text);
    EXPECT_EQ(frame["body"]["markdown"]["content"], "ok \xEF\xBF\xBD\xEF\xBF\xBD end");
}

}  // namespace
}  // namespace groupdesk::wecom
