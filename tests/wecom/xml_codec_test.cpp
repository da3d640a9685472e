// Tests of XML decoding against the official and GroupDesk vectors: callback envelopes,
// messages of every type, and hostile input.
#include "wecom/xml_codec.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "tests/support/vectors.h"
#include "tests/wecom/xml_test_support.h"

namespace groupdesk::wecom {
namespace {

using config::ChannelKind;
using nlohmann::json;
using test::kind_of;
using test::tag;
using test::vector_by_id;
using test::vectors;

bool is_xml_callback(const json& v) {
    const std::string type = v.value("type", "");
    return (v.at("kind") == "wecom" || v.at("kind") == "mp") &&
           (type == "callback" || type == "callback_plain") &&
           v.at("plaintext").get<std::string>().starts_with("<xml>");
}

// Checks every field of a decoded message against the XML text it came from.
void expect_matches(const InboundMessage& m, const std::string& xml, ChannelKind kind) {
    EXPECT_EQ(m.kind, kind);
    EXPECT_EQ(m.sender, tag(xml, "FromUserName").value());
    EXPECT_EQ(m.recipient, tag(xml, "ToUserName").value());
    EXPECT_EQ(m.msg_type, tag(xml, "MsgType").value());
    EXPECT_EQ(m.msg_id, tag(xml, "MsgId").value_or(""));
    EXPECT_EQ(m.agent_id, tag(xml, "AgentID").value_or(""));
    EXPECT_EQ(m.create_time, std::stoll(tag(xml, "CreateTime").value()));
    EXPECT_TRUE(m.chat_id.empty());
    EXPECT_EQ(m.chat_type, ChatType::Single);
    if (m.msg_type == "text") {
        ASSERT_TRUE(std::holds_alternative<TextBody>(m.body));
        EXPECT_EQ(std::get<TextBody>(m.body).content, tag(xml, "Content").value());
    } else if (m.msg_type == "event") {
        ASSERT_TRUE(m.is_event());
        const auto& e = std::get<EventBody>(m.body);
        EXPECT_EQ(e.event, tag(xml, "Event").value());
        EXPECT_EQ(e.event_key, tag(xml, "EventKey").value_or(""));
        if (auto ticket = tag(xml, "Ticket")) {
            EXPECT_EQ(e.fields.at("Ticket"), *ticket);
        }
        EXPECT_FALSE(e.fields.contains("FromUserName"));
        EXPECT_FALSE(e.fields.contains("Event"));
    } else {
        ADD_FAILURE() << "a vector with an unexpected MsgType: " << m.msg_type;
    }
}

TEST(XmlCodec, DecodesEveryXmlCallbackVector) {
    int decoded = 0;
    for (const char* section : {"official", "positive", "mp_plaintext"}) {
        for (const json& v : vectors().at(section)) {
            if (!is_xml_callback(v)) continue;
            SCOPED_TRACE(v.at("id").get<std::string>());
            const std::string xml = v.at("plaintext");
            const auto msg = decode_xml_message(xml, kind_of(v));
            ASSERT_TRUE(msg.ok()) << msg.error().message;
            expect_matches(*msg, xml, kind_of(v));
            // The platform stamps CreateTime with the request's timestamp in every vector.
            EXPECT_EQ(msg->create_time, std::stoll(v.at("timestamp").get<std::string>()));
            if (v.at("kind") == "mp") {
                const json& mp = vectors().at("channels").at("mp");
                EXPECT_EQ(msg->recipient, mp.at("original_id"));
                EXPECT_EQ(msg->sender, mp.at("openid"));
            } else {
                EXPECT_EQ(msg->recipient, v.at("receive_id"));
            }
            ++decoded;
        }
    }
    EXPECT_GE(decoded, 11);  // 2 official, 8 positive, 1 plaintext-mode
}

TEST(XmlCodec, OfficialPlaintextWithoutCdata) {
    const json& v = vector_by_id("official-wecom-python-sample-post");
    const auto msg = decode_xml_message(v.at("plaintext").get<std::string>(), ChannelKind::WeCom);
    ASSERT_TRUE(msg.ok());
    EXPECT_EQ(msg->msg_id, tag(v.at("plaintext"), "MsgId").value());
    EXPECT_EQ(std::get<TextBody>(msg->body).content, tag(v.at("plaintext"), "Content").value());
}

TEST(XmlCodec, CompatibleModeBodyDecodesLikeItsPlaintext) {
    const json& v = vector_by_id("mp-compatible-text");
    const auto from_body =
        decode_xml_message(v.at("http").at("body").get<std::string>(), ChannelKind::Mp);
    const auto from_plain =
        decode_xml_message(v.at("plaintext").get<std::string>(), ChannelKind::Mp);
    ASSERT_TRUE(from_body.ok() && from_plain.ok());
    expect_matches(*from_body, v.at("plaintext"), ChannelKind::Mp);
    EXPECT_EQ(from_body->msg_id, from_plain->msg_id);
    EXPECT_EQ(std::get<TextBody>(from_body->body).content,
              std::get<TextBody>(from_plain->body).content);
}

TEST(XmlCodec, PlaintextModeBodyDecodes) {
    const json& v = vector_by_id("mp-plain-text");
    const auto msg =
        decode_xml_message(v.at("http").at("body").get<std::string>(), ChannelKind::Mp);
    ASSERT_TRUE(msg.ok());
    expect_matches(*msg, v.at("plaintext"), ChannelKind::Mp);
    EXPECT_EQ(msg->sender, v.at("http").at("query").at("openid"));
}

TEST(XmlCodec, ExtractsEncryptFromEveryXmlBody) {
    int extracted = 0;
    for (const char* section : {"official", "positive"}) {
        for (const json& v : vectors().at(section)) {
            if (v.at("kind") == "aibot") continue;
            const json* body = nullptr;
            if (v.contains("body")) body = &v.at("body");
            if (v.contains("http") && v.at("http").contains("body"))
                body = &v.at("http").at("body");
            if (body == nullptr) continue;
            SCOPED_TRACE(v.at("id").get<std::string>());
            const auto encrypt = extract_xml_encrypt(body->get<std::string>());
            ASSERT_TRUE(encrypt.ok()) << encrypt.error().message;
            EXPECT_EQ(*encrypt, v.at("ciphertext_b64"));
            ++extracted;
        }
    }
    EXPECT_GE(extracted, 9);  // the python sample, 4 wecom and 4 mp callbacks
}

TEST(XmlCodec, NegativeXmlBodiesGiveParseError) {
    int checked = 0;
    for (const json& v : vectors().at("negative")) {
        if (!v.contains("body") || v.at("body_format") != "xml") continue;
        SCOPED_TRACE(v.at("id").get<std::string>());
        const auto encrypt = extract_xml_encrypt(v.at("body").get<std::string>());
        ASSERT_FALSE(encrypt.ok());
        EXPECT_EQ(encrypt.error().detail, v.at("expected_error").get<int>());
        EXPECT_EQ(encrypt.error().code, ErrorCode::InvalidArgument);
        ++checked;
    }
    EXPECT_EQ(checked, 2);
}

TEST(XmlCodec, EncryptEnvelopeRejectsGarbage) {
    using namespace std::string_literals;
    const std::vector<std::string> bodies = {"",
                                             "not xml",
                                             "<xml><Encrypt>abc</Encrypt>",
                                             "<a><Encrypt>x</Encrypt></a>",
                                             "<xml><Encrypt/></xml>",
                                             "<xml><Encrypt>a\0b</Encrypt></xml>"s};
    for (const std::string& body : bodies) {
        SCOPED_TRACE(body);
        const auto r = extract_xml_encrypt(body);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().detail, -40002);
    }
}

const std::string kHead =
    "<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName>u1</FromUserName>"
    "<CreateTime>1700000000</CreateTime>";

Result<InboundMessage> decode(const std::string& rest) {
    return decode_xml_message(kHead + rest + "</xml>", ChannelKind::WeCom);
}

TEST(XmlCodec, DecodesEveryMessageType) {
    auto m = decode("<MsgType>image</MsgType><PicUrl>http://p</PicUrl><MediaId>m1</MediaId>");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::get<ImageBody>(m->body).pic_url, "http://p");
    EXPECT_EQ(std::get<ImageBody>(m->body).media_id, "m1");
    m = decode(
        "<MsgType>voice</MsgType><MediaId>v</MediaId><Format>amr</Format>"
        "<Recognition><![CDATA[hello]]></Recognition>");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::get<VoiceBody>(m->body).format, "amr");
    EXPECT_EQ(std::get<VoiceBody>(m->body).recognition, "hello");
    m = decode("<MsgType>shortvideo</MsgType><MediaId>v</MediaId><ThumbMediaId>t</ThumbMediaId>");
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(std::get<VideoBody>(m->body).short_video);
    EXPECT_EQ(std::get<VideoBody>(m->body).thumb_media_id, "t");
    m = decode("<MsgType>video</MsgType><MediaId>v</MediaId>");
    ASSERT_TRUE(m.ok());
    EXPECT_FALSE(std::get<VideoBody>(m->body).short_video);
    m = decode(
        "<MsgType>location</MsgType><Location_X>23.134521</Location_X>"
        "<Location_Y>113.358803</Location_Y><Scale>20</Scale><Label>Here</Label>");
    ASSERT_TRUE(m.ok());
    EXPECT_DOUBLE_EQ(std::get<LocationBody>(m->body).latitude, 23.134521);
    EXPECT_DOUBLE_EQ(std::get<LocationBody>(m->body).longitude, 113.358803);
    EXPECT_EQ(std::get<LocationBody>(m->body).scale, 20);
    EXPECT_EQ(std::get<LocationBody>(m->body).label, "Here");
    m = decode(
        "<MsgType>link</MsgType><Title>T</Title><Description>D</Description>"
        "<Url>http://u</Url><PicUrl>http://p</PicUrl>");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::get<LinkBody>(m->body).url, "http://u");
    EXPECT_EQ(std::get<LinkBody>(m->body).description, "D");
    m = decode("<MsgType>file</MsgType><Url>http://f</Url>");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::get<FileBody>(m->body).url, "http://f");
    m = decode("<MsgType>music</MsgType><MsgId>18446744073709551615</MsgId>");
    ASSERT_TRUE(m.ok());
    EXPECT_TRUE(std::holds_alternative<UnknownBody>(m->body));
    EXPECT_EQ(m->msg_id, "18446744073709551615");  // above int64: kept as text
    m = decode("<MsgType>text</MsgType><Content>1 &lt; 2 &amp;&#x4E2D;</Content>");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::get<TextBody>(m->body).content, "1 < 2 &\xE4\xB8\xAD");
}

TEST(XmlCodec, EventFieldsAreCollected) {
    auto m = decode(
        "<MsgType>event</MsgType><Event>scancode_push</Event><EventKey>k</EventKey>"
        "<ScanCodeInfo><ScanType>qrcode</ScanType><ScanResult>R</ScanResult>"
        "</ScanCodeInfo><AgentID>1</AgentID><Encrypt>x</Encrypt>");
    ASSERT_TRUE(m.ok());
    const auto& e = std::get<EventBody>(m->body);
    EXPECT_EQ(e.event_key, "k");
    EXPECT_EQ(e.fields.at("ScanType"), "qrcode");
    EXPECT_EQ(e.fields.at("ScanResult"), "R");
    EXPECT_EQ(e.fields.size(), 2u);
    EXPECT_TRUE(m->msg_id.empty());
    m = decode(
        "<MsgType>event</MsgType><Event>change_external_contact</Event>"
        "<ChangeType>add_external_contact</ChangeType><UserID>zs</UserID>");
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(std::get<EventBody>(m->body).change_type, "add_external_contact");
    EXPECT_EQ(std::get<EventBody>(m->body).fields.at("UserID"), "zs");
}

TEST(XmlCodec, MalformedMessagesAreInvalidArgument) {
    const std::string no_sender =
        "<xml><ToUserName>a</ToUserName><MsgType>text</MsgType><Content>x</Content></xml>";
    for (const std::string& xml : std::vector<std::string>{
             std::string(), std::string("hello"), std::string("<xml><MsgType>text</MsgType>"),
             std::string("<root><MsgType>text</MsgType><FromUserName>u</FromUserName></root>"),
             no_sender, kHead + "</xml>", kHead + "<MsgType></MsgType></xml>",
             std::string("<xml><FromUserName>u</FromUserName><MsgType>text</MsgType>"
                         "<CreateTime>12x</CreateTime></xml>"),
             std::string("<xml><FromUserName>u</FromUserName><MsgType>text</MsgType>"
                         "<CreateTime>99999999999999999999</CreateTime></xml>"),
             kHead + "<MsgType>location</MsgType><Location_X>north</Location_X></xml>"}) {
        SCOPED_TRACE(xml);
        const auto m = decode_xml_message(xml, ChannelKind::Mp);
        ASSERT_FALSE(m.ok());
        EXPECT_EQ(m.error().code, ErrorCode::InvalidArgument);
    }
}

TEST(XmlCodec, HugeAndDeepInputFailsCleanly) {
    const auto nested = [](int levels) {
        std::string xml = "<xml><FromUserName>u</FromUserName><MsgType>event</MsgType>";
        for (int i = 0; i < levels; ++i) xml += "<a>";
        xml += "<Leaf>x</Leaf>";
        for (int i = 0; i < levels; ++i) xml += "</a>";
        return xml + "<Encrypt>e</Encrypt></xml>";
    };
    // Well-formed and under the size limit, so only the depth limit can stop it.
    const std::string deep = nested(100000);
    ASSERT_LT(deep.size(), 1024u * 1024u);
    EXPECT_FALSE(decode_xml_message(deep, ChannelKind::WeCom).ok());
    EXPECT_FALSE(extract_xml_encrypt(deep).ok());
    // Nesting the parser accepts still decodes; fields below the usual depth are not walked.
    const auto moderate = decode_xml_message(nested(50), ChannelKind::WeCom);
    ASSERT_TRUE(moderate.ok());
    EXPECT_FALSE(std::get<EventBody>(moderate->body).fields.contains("Leaf"));
    EXPECT_TRUE(decode_xml_message(nested(2), ChannelKind::WeCom).ok());
    EXPECT_EQ(std::get<EventBody>(decode_xml_message(nested(2), ChannelKind::WeCom)->body)
                  .fields.at("Leaf"),
              "x");
    const std::string huge = kHead + "<MsgType>text</MsgType><Content>" +
                             std::string(std::size_t{2} * 1024 * 1024, 'x') + "</Content></xml>";
    EXPECT_FALSE(decode_xml_message(huge, ChannelKind::WeCom).ok());
    EXPECT_FALSE(extract_xml_encrypt(huge).ok());
}

}  // namespace
}  // namespace groupdesk::wecom
