// Tests of the AI-bot JSON codec against the official and GroupDesk vectors, plus hostile input.
#include "wecom/json_codec.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "tests/support/vectors.h"

namespace groupdesk::wecom {
namespace {

using nlohmann::json;
using test::vector_by_id;
using test::vectors;

bool is_aibot_callback(const json& v) {
    return v.at("kind") == "aibot" && v.value("type", "") == "callback";
}

// Checks a decoded message against the vector's JSON, read here with a plain JSON parser.
void expect_matches(const InboundMessage& m, const json& in) {
    EXPECT_EQ(m.kind, config::ChannelKind::AiBot);
    EXPECT_EQ(m.msg_id, in.at("msgid"));
    EXPECT_EQ(m.sender, in.at("from").at("userid"));
    EXPECT_EQ(m.recipient, in.at("aibotid"));
    EXPECT_EQ(m.msg_type, in.at("msgtype"));
    EXPECT_EQ(m.chat_id, in.value("chatid", ""));
    EXPECT_EQ(m.chat_type,
              in.value("chattype", "single") == "group" ? ChatType::Group : ChatType::Single);
    EXPECT_EQ(m.create_time, in.value("create_time", std::int64_t{0}));
    EXPECT_EQ(m.response_url, in.value("response_url", ""));
    EXPECT_TRUE(m.agent_id.empty());
    if (in.at("msgtype") == "text") {
        ASSERT_TRUE(std::holds_alternative<TextBody>(m.body));
        EXPECT_EQ(std::get<TextBody>(m.body).content, in.at("text").at("content"));
    } else if (in.at("msgtype") == "event") {
        ASSERT_TRUE(m.is_event());
        EXPECT_EQ(std::get<EventBody>(m.body).event, in.at("event").at("eventtype"));
    } else {
        ADD_FAILURE() << "a vector with an unexpected msgtype";
    }
}

TEST(JsonCodec, DecodesEveryAiBotCallbackVector) {
    int decoded = 0;
    for (const char* section : {"official", "positive"}) {
        for (const json& v : vectors().at(section)) {
            if (!is_aibot_callback(v)) continue;
            SCOPED_TRACE(v.at("id").get<std::string>());
            const std::string text = v.at("plaintext");
            const auto msg = decode_aibot_message(text);
            ASSERT_TRUE(msg.ok()) << msg.error().message;
            expect_matches(*msg, json::parse(text));
            ++decoded;
        }
    }
    EXPECT_EQ(decoded, 4);  // group text, U+2005 mention, enter_chat, full pad block
}

TEST(JsonCodec, MentionSeparatorU2005IsKept) {
    const auto msg =
        decode_aibot_message(vector_by_id("aibot-text-u2005").at("plaintext").get<std::string>());
    ASSERT_TRUE(msg.ok());
    EXPECT_NE(std::get<TextBody>(msg->body).content.find("\xE2\x80\x85"), std::string::npos);
}

TEST(JsonCodec, OfficialJsonSamplePlaintextFailsCleanly) {
    // Its plaintext is not valid JSON (the official sample encrypted a typo).
    const auto msg = decode_aibot_message(
        vector_by_id("official-wecom-json-sample-post").at("plaintext").get<std::string>());
    ASSERT_FALSE(msg.ok());
    EXPECT_EQ(msg.error().code, ErrorCode::InvalidArgument);
}

TEST(JsonCodec, ExtractsEncryptFromEveryAiBotBody) {
    int extracted = 0;
    for (const json& v : vectors().at("positive")) {
        if (!is_aibot_callback(v)) continue;
        SCOPED_TRACE(v.at("id").get<std::string>());
        const auto encrypt = extract_json_encrypt(v.at("http").at("body").get<std::string>());
        ASSERT_TRUE(encrypt.ok()) << encrypt.error().message;
        EXPECT_EQ(*encrypt, v.at("ciphertext_b64"));
        ++extracted;
    }
    EXPECT_EQ(extracted, 4);
}

TEST(JsonCodec, NegativeJsonBodiesGiveParseError) {
    int checked = 0;
    for (const json& v : vectors().at("negative")) {
        if (!v.contains("body") || v.at("body_format") != "json") continue;
        SCOPED_TRACE(v.at("id").get<std::string>());
        const auto encrypt = extract_json_encrypt(v.at("body").get<std::string>());
        ASSERT_FALSE(encrypt.ok());
        EXPECT_EQ(encrypt.error().detail, v.at("expected_error").get<int>());
        EXPECT_EQ(encrypt.error().code, ErrorCode::InvalidArgument);
        ++checked;
    }
    EXPECT_EQ(checked, 1);
}

TEST(JsonCodec, EncryptEnvelopeRejectsGarbage) {
    for (const char* body :
         {"", "[]", "\"encrypt\"", "{}", R"({"encrypt":""})", R"({"encrypt":42})",
          R"({"encrypt":null})", R"({"encrypt":["a"]})", R"({"Encrypt":"abc"})",
          R"({"encrypt":"abc")", "{\"encrypt\":\"\xff\"}"}) {
        SCOPED_TRACE(body);
        const auto r = extract_json_encrypt(body);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().detail, -40002);
        EXPECT_EQ(r.error().code, ErrorCode::InvalidArgument);
    }
    const auto escaped = extract_json_encrypt(R"({"encrypt":"a\/b+c=="})");
    ASSERT_TRUE(escaped.ok());
    EXPECT_EQ(*escaped, "a/b+c==");
}

// Encodes the reply to the callback it answers (same timestamp and nonce); content and stream
// id come from the expected plaintext, everything else from the codec.
TEST(JsonCodec, ReproducesPassiveReplyVectors) {
    int checked = 0;
    for (const json& reply : vectors().at("passive_replies")) {
        if (reply.at("kind") != "aibot") continue;
        SCOPED_TRACE(reply.at("id").get<std::string>());
        const json* request = nullptr;
        for (const json& v : vectors().at("positive")) {
            if (is_aibot_callback(v) && v.at("timestamp") == reply.at("timestamp") &&
                v.at("nonce") == reply.at("nonce")) {
                request = &v;
            }
        }
        ASSERT_NE(request, nullptr);
        const auto inbound = decode_aibot_message(request->at("plaintext").get<std::string>());
        ASSERT_TRUE(inbound.ok());
        const std::string expected = reply.at("plaintext");
        const json parsed = json::parse(expected);
        const std::string type = parsed.at("msgtype");
        const std::string stream_id =
            type == "stream" ? parsed.at("stream").at("id").get<std::string>() : "unused";
        const TextReply text{parsed.at(type).at("content").get<std::string>()};
        EXPECT_EQ(encode_aibot_reply(text, *inbound, stream_id), expected);
        EXPECT_EQ(encode_json_envelope(reply.at("ciphertext_b64").get<std::string>(),
                                       reply.at("msg_signature").get<std::string>(),
                                       reply.at("timestamp").get<std::string>(),
                                       reply.at("nonce").get<std::string>()),
                  reply.at("expected_envelope"));
        ++checked;
    }
    EXPECT_EQ(checked, 2);
}

InboundMessage message(MessageBody body) {
    InboundMessage m;
    m.kind = config::ChannelKind::AiBot;
    m.msg_type = std::holds_alternative<EventBody>(body) ? "event" : "text";
    m.body = std::move(body);
    return m;
}

std::string content_of(const std::string& reply_json) {
    const json j = json::parse(reply_json);
    return j.at(j.at("msgtype").get<std::string>()).at("content");
}

TEST(JsonCodec, ReplyContentIsCutOnACharacterBoundary) {
    std::string long_text;
    for (int i = 0; i < 8000; ++i) long_text += "\xE5\xB7\xA5";  // 工, 24000 bytes
    const std::string stream = encode_aibot_reply(TextReply{long_text}, message(TextBody{}), "s1");
    EXPECT_EQ(content_of(stream).size(), 20478u);  // json::parse would throw on a split char
    const std::string welcome =
        encode_aibot_reply(TextReply{long_text}, message(EventBody{"enter_chat", "", "", {}}), "");
    EXPECT_EQ(content_of(welcome).size(), 2046u);
    const std::string exact(20480, 'a');
    EXPECT_EQ(content_of(encode_aibot_reply(TextReply{exact}, message(TextBody{}), "s")), exact);
}

TEST(JsonCodec, TextOnlyForEnterChatStreamOtherwise) {
    const auto stream = json::parse(encode_aibot_reply(
        TextReply{"hi"}, message(EventBody{"template_card_event", "k", "", {}}), "id-7"));
    EXPECT_EQ(stream.at("msgtype"), "stream");
    EXPECT_EQ(stream.at("stream").at("id"), "id-7");
    EXPECT_EQ(stream.at("stream").at("finish"), true);
    const std::string welcome =
        encode_aibot_reply(TextReply{"hi"}, message(EventBody{"enter_chat", "", "", {}}), "x");
    EXPECT_EQ(welcome, R"({"msgtype":"text","text":{"content":"hi"}})");
}

TEST(JsonCodec, Utf8StaysRawAndControlCharactersAreEscaped) {
    const std::string text = "@\xE5\x8A\xA9\xE6\x89\x8B\xE2\x80\x85ok \"q\" a/b\n";
    EXPECT_EQ(encode_aibot_reply(TextReply{text}, message(TextBody{}), "s"),
              "{\"msgtype\":\"stream\",\"stream\":{\"id\":\"s\",\"finish\":true,\"content\":\"@"
              "\xE5\x8A\xA9\xE6\x89\x8B\xE2\x80\x85ok \\\"q\\\" a/b\\n\"}}");
    // Invalid UTF-8 must not throw; it becomes U+FFFD.
    const std::string bad = encode_aibot_reply(TextReply{"a\xFF"}, message(TextBody{}), "s");
    EXPECT_EQ(content_of(bad), "a\xEF\xBF\xBD");
}

TEST(JsonCodec, NewsBecomesMarkdownLinks) {
    const NewsReply news{
        {{"Ticket [1]", "Printer", "", "https://x/t?id=1"}, {"No link", "", "", ""}}};
    EXPECT_EQ(content_of(encode_aibot_reply(news, message(TextBody{}), "s")),
              "[Ticket \\[1\\]](https://x/t?id=1)\nPrinter\n\nNo link");
    EXPECT_EQ(
        content_of(encode_aibot_reply(news, message(EventBody{"enter_chat", "", "", {}}), "")),
        "Ticket [1]\nhttps://x/t?id=1\nPrinter\n\nNo link");
}

TEST(JsonCodec, EnvelopeKeyOrderAndStringTimestamp) {
    EXPECT_EQ(encode_json_envelope("E/+=", "S", "1767225621", "N"),
              R"({"encrypt":"E/+=","msgsignature":"S","timestamp":"1767225621","nonce":"N"})");
}

const std::string kHead =
    R"({"msgid":"m1","aibotid":"B","chattype":"single","from":{"userid":"u"},)";

Result<InboundMessage> decode(const std::string& rest) {
    return decode_aibot_message(kHead + rest);
}

TEST(JsonCodec, DecodesEveryMessageType) {
    auto m = decode(R"("msgtype":"image","image":{"url":"https:\/\/img"}})");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::get<ImageBody>(m->body).pic_url, "https://img");
    m = decode(R"("msgtype":"voice","voice":{"content":"transcript"}})");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::get<VoiceBody>(m->body).recognition, "transcript");
    m = decode(R"("msgtype":"file","file":{"url":"https://f"}})");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::get<FileBody>(m->body).url, "https://f");
    m = decode(R"("msgtype":"video","video":{"url":"https://v"}})");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::get<VideoBody>(m->body).url, "https://v");
    EXPECT_EQ(std::get<VideoBody>(m->body).media_id, "");
    m = decode(
        R"("msgtype":"mixed","mixed":{"msg_item":[{"msgtype":"text","text":{"content":"a"}},)"
        R"({"msgtype":"image","image":{"url":"https://i"}},{"msgtype":"emoji"}]}})");
    ASSERT_TRUE(m.ok());
    const auto& items = std::get<MixedBody>(m->body).items;
    ASSERT_EQ(items.size(), 2u);
    EXPECT_FALSE(items[0].is_image);
    EXPECT_EQ(items[0].text, "a");
    EXPECT_TRUE(items[1].is_image);
    EXPECT_EQ(items[1].image_url, "https://i");
    m = decode(R"("msgtype":"something_new","something_new":{}})");
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(std::holds_alternative<UnknownBody>(m->body));
}

TEST(JsonCodec, QuotedMessageIsDecodedWithItsOwnType) {
    // The official example: a group @-mention quoting a text.
    auto m = decode(R"("msgtype":"text","text":{"content":"@RobotA open a ticket"},)"
                    R"("quote":{"msgtype":"text","text":{"content":"printer on 3F is down"}}})");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::get<TextBody>(m->body).content, "@RobotA open a ticket");
    ASSERT_TRUE(m->quote.has_value());
    EXPECT_EQ(m->quote->msg_type, "text");
    EXPECT_EQ(std::get<TextBody>(m->quote->body).content, "printer on 3F is down");

    m = decode(R"("msgtype":"text","text":{"content":"@RobotA"},)"
               R"("quote":{"msgtype":"image","image":{"url":"https://i"}}})");
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE(m->quote.has_value());
    EXPECT_EQ(std::get<ImageBody>(m->quote->body).pic_url, "https://i");

    m = decode(R"("msgtype":"text","text":{"content":"@RobotA"},"quote":{"msgtype":"mixed",)"
               R"("mixed":{"msg_item":[{"msgtype":"text","text":{"content":"see"}}]}}})");
    ASSERT_TRUE(m.ok());
    ASSERT_TRUE(m->quote.has_value());
    ASSERT_EQ(std::get<MixedBody>(m->quote->body).items.size(), 1u);
    EXPECT_EQ(std::get<MixedBody>(m->quote->body).items[0].text, "see");
}

TEST(JsonCodec, NoOrMalformedQuoteLeavesItEmpty) {
    for (const char* rest :
         {R"("msgtype":"text","text":{"content":"hi"}})",
          R"("msgtype":"text","text":{"content":"hi"},"quote":"text"})",
          R"("msgtype":"text","text":{"content":"hi"},"quote":{"text":{"content":"x"}}})",
          R"("msgtype":"text","text":{"content":"hi"},"quote":{"msgtype":"event","event":{}}})"}) {
        SCOPED_TRACE(rest);
        const auto m = decode(rest);
        ASSERT_TRUE(m.ok());
        EXPECT_EQ(std::get<TextBody>(m->body).content, "hi");
        EXPECT_FALSE(m->quote.has_value());
    }
}

TEST(JsonCodec, TemplateCardEventInBothShapes) {
    for (const char* event :
         {R"({"eventtype":"template_card_event","event_key":"done","task_id":"t1"})",
          R"({"eventtype":"template_card_event","template_card_event":{"event_key":"done",)"
          R"("task_id":"t1","card_type":"button_interaction"}})"}) {
        SCOPED_TRACE(event);
        const auto m = decode(
            std::string(R"("create_time":"1767225623","msgtype":"event","event":)") + event + "}");
        ASSERT_TRUE(m.ok());
        const auto& e = std::get<EventBody>(m->body);
        EXPECT_EQ(e.event, "template_card_event");
        EXPECT_EQ(e.event_key, "done");
        EXPECT_EQ(e.fields.at("task_id"), "t1");
        EXPECT_EQ(m->create_time, 1767225623);
    }
}

TEST(JsonCodec, StreamRefreshMayComeWithoutSender) {
    const auto m = decode_aibot_message(R"({"msgid":"m","msgtype":"stream","stream":{"id":"s"}})");
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(std::holds_alternative<UnknownBody>(m->body));
}

TEST(JsonCodec, MalformedMessagesAreInvalidArgument) {
    const std::vector<std::string> inputs = {
        "",
        "null",
        "[]",
        "{",
        R"({"from":{"userid":"u"}})",
        R"({"msgtype":"","from":{"userid":"u"}})",
        R"({"msgtype":"text"})",
        R"({"msgtype":"text","from":{"userid":42}})",
        R"({"msgtype":"text","from":"u"})",
        kHead + R"("msgtype":"text","create_time":"soon"})",
        kHead + R"("msgtype":"text","create_time":-1})",
        kHead + R"("msgtype":"text","create_time":1.5})",
        kHead + R"("msgtype":"text","create_time":18446744073709551615})",
        kHead + R"("msgtype":"text"} trailing)"};
    for (const std::string& input : inputs) {
        SCOPED_TRACE(input);
        const auto m = decode_aibot_message(input);
        ASSERT_FALSE(m.ok());
        EXPECT_EQ(m.error().code, ErrorCode::InvalidArgument);
    }
}

TEST(JsonCodec, HugeAndDeepInputFailsCleanly) {
    const std::string deep = std::string(200000, '[') + std::string(200000, ']');
    EXPECT_FALSE(decode_aibot_message(deep).ok());
    EXPECT_FALSE(extract_json_encrypt(deep).ok());
    const std::string deep_object = kHead + R"("msgtype":"text","x":)" + std::string(100000, '[') +
                                    std::string(100000, ']') + "}";
    EXPECT_FALSE(decode_aibot_message(deep_object).ok());
    // Brackets inside strings are text, not nesting.
    const auto quoted =
        decode(R"("msgtype":"text","text":{"content":")" + std::string(100, '[') + R"(\"[["}})");
    ASSERT_TRUE(quoted.ok());
    EXPECT_EQ(std::get<TextBody>(quoted->body).content, std::string(100, '[') + "\"[[");
    const std::string huge =
        R"({"encrypt":")" + std::string(std::size_t{2} * 1024 * 1024, 'A') + "\"}";
    EXPECT_FALSE(extract_json_encrypt(huge).ok());
    EXPECT_FALSE(decode_aibot_message(huge).ok());
}

}  // namespace
}  // namespace groupdesk::wecom
