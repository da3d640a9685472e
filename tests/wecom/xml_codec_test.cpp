// Tests of the XML codec against the official and GroupDesk vectors, plus hostile input.
#include "wecom/xml_codec.h"

#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/vectors.h"
#include "wecom/details/utf8.h"

namespace groupdesk::wecom {
namespace {

using config::ChannelKind;
using nlohmann::json;
using test::vector_by_id;
using test::vectors;

// An oracle independent of tinyxml2: the text of <tag>, CDATA or not.
std::optional<std::string> tag(const std::string& xml, const std::string& name) {
    const std::regex re("<" + name + R"(>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))</)" + name + ">");
    std::smatch m;
    if (!std::regex_search(xml, m, re)) return std::nullopt;
    return m[1].matched ? m[1].str() : m[2].str();
}

ChannelKind kind_of(const json& v) {
    return v.at("kind") == "mp" ? ChannelKind::Mp : ChannelKind::WeCom;
}

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

// Encodes the reply to the callback it answers (same kind, timestamp and nonce) and compares
// plaintext and envelope with the vector byte for byte.
TEST(XmlCodec, ReproducesPassiveReplyVectors) {
    int checked = 0;
    for (const json& reply : vectors().at("passive_replies")) {
        if (reply.at("kind") == "aibot") continue;
        SCOPED_TRACE(reply.at("id").get<std::string>());
        const json* request = nullptr;
        for (const json& v : vectors().at("positive")) {
            if (v.at("kind") == reply.at("kind") && v.at("timestamp") == reply.at("timestamp") &&
                v.at("nonce") == reply.at("nonce") && v.at("type") == "callback") {
                request = &v;
            }
        }
        ASSERT_NE(request, nullptr);
        const auto inbound =
            decode_xml_message(request->at("plaintext").get<std::string>(), kind_of(*request));
        ASSERT_TRUE(inbound.ok());
        const std::string expected = reply.at("plaintext");
        const TextReply text{tag(expected, "Content").value()};
        const std::int64_t now = std::stoll(reply.at("timestamp").get<std::string>());
        EXPECT_EQ(encode_xml_reply(text, inbound->sender, inbound->recipient, now), expected);
        EXPECT_EQ(encode_xml_envelope(reply.at("ciphertext_b64").get<std::string>(),
                                      reply.at("msg_signature").get<std::string>(),
                                      reply.at("timestamp").get<std::string>(),
                                      reply.at("nonce").get<std::string>()),
                  reply.at("expected_envelope"));
        ++checked;
    }
    EXPECT_EQ(checked, 2);
}

std::string content_of_reply(const std::string& xml) {
    const auto msg = decode_xml_message(xml, ChannelKind::WeCom);
    EXPECT_TRUE(msg.ok());
    return msg.ok() ? std::get<TextBody>(msg->body).content : std::string();
}

TEST(XmlCodec, CdataTerminatorInContentIsSplit) {
    for (const char* text : {"a]]>b", "]]>", "]]>]]>", "x]]", "]]]>", "<b>&amp;</b>"}) {
        SCOPED_TRACE(text);
        const std::string xml = encode_xml_reply(TextReply{text}, "u", "c", 1);
        EXPECT_EQ(content_of_reply(xml), text);
    }
    EXPECT_NE(encode_xml_reply(TextReply{"a]]>b"}, "u", "c", 1)
                  .find("<Content><![CDATA[a]]]]><![CDATA[>b]]></Content>"),
              std::string::npos);
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80         ? 1
                              : (c >> 5) == 6  ? 2
                              : (c >> 4) == 14 ? 3
                              : (c >> 3) == 30 ? 4
                                               : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += n;
    }
    return true;
}

TEST(Utf8, TruncationNeverSplitsACharacter) {
    const std::string mixed =
        "a\xC3\xA9\xE5\xB7\xA5\xF0\x9F\x98\x80\xE2\x80\x85z";  // a é 工 😀 U+2005 z
    for (std::size_t max = 0; max <= mixed.size() + 1; ++max) {
        const auto cut = details::utf8_truncate(mixed, max);
        EXPECT_LE(cut.size(), max);
        EXPECT_TRUE(valid_utf8(cut)) << "max " << max;
        EXPECT_TRUE(mixed.starts_with(cut));
        EXPECT_GE(cut.size() + 3, std::min(max, mixed.size()));
    }
}

TEST(XmlCodec, TextReplyIsCutAt2048BytesOnACharacterBoundary) {
    std::string chinese;
    for (int i = 0; i < 1000; ++i) chinese += "\xE5\xB7\xA5";  // 工, 3000 bytes
    const std::string content = content_of_reply(encode_xml_reply(TextReply{chinese}, "u", "c", 1));
    EXPECT_EQ(content.size(), 2046u);
    EXPECT_TRUE(valid_utf8(content));
    EXPECT_EQ(content_of_reply(encode_xml_reply(TextReply{std::string(2048, 'a')}, "u", "c", 1)),
              std::string(2048, 'a'));
    EXPECT_EQ(content_of_reply(encode_xml_reply(TextReply{std::string(2049, 'a')}, "u", "c", 1)),
              std::string(2048, 'a'));
}

TEST(XmlCodec, FourPerEmSpaceSurvivesBothWays) {
    const std::string text = "@\xE5\x8A\xA9\xE6\x89\x8B\xE2\x80\x85\xE6\x9F\xA5\xE8\xAF\xA2 #12";
    EXPECT_EQ(content_of_reply(encode_xml_reply(TextReply{text}, "u", "c", 1)), text);
}

TEST(XmlCodec, ControlCharactersAreDroppedFromReplies) {
    EXPECT_EQ(content_of_reply(encode_xml_reply(TextReply{"a\x01\x1F\tb\nc"}, "u", "c", 1)),
              "a\tb\nc");
}

TEST(XmlCodec, NewsReplyExactBytesAndAtMostEightArticles) {
    NewsReply news{{{"T<1>", "D", "http://p/1.png", "http://u/1"}}};
    EXPECT_EQ(encode_xml_reply(news, "user", "corp", 42),
              "<xml><ToUserName><![CDATA[user]]></ToUserName><FromUserName><![CDATA[corp]]>"
              "</FromUserName><CreateTime>42</CreateTime><MsgType><![CDATA[news]]></MsgType>"
              "<ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[T<1>]]></Title>"
              "<Description><![CDATA[D]]></Description><PicUrl><![CDATA[http://p/1.png]]>"
              "</PicUrl><Url><![CDATA[http://u/1]]></Url></item></Articles></xml>");
    news.articles.resize(10, NewsArticle{"t", "d", "p", "u"});
    const std::string xml = encode_xml_reply(news, "user", "corp", 42);
    EXPECT_NE(xml.find("<ArticleCount>8</ArticleCount>"), std::string::npos);
    std::size_t items = 0;
    for (auto at = xml.find("<item>"); at != std::string::npos; at = xml.find("<item>", at + 1))
        ++items;
    EXPECT_EQ(items, 8u);
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
                             std::string(2 * 1024 * 1024, 'x') + "</Content></xml>";
    EXPECT_FALSE(decode_xml_message(huge, ChannelKind::WeCom).ok());
    EXPECT_FALSE(extract_xml_encrypt(huge).ok());
}

TEST(XmlCodec, EnvelopeHasTheOfficialLayout) {
    EXPECT_EQ(encode_xml_envelope("E", "S", "1", "N"),
              "<xml>\n<Encrypt><![CDATA[E]]></Encrypt>\n<MsgSignature><![CDATA[S]]></MsgSignature>"
              "\n<TimeStamp>1</TimeStamp>\n<Nonce><![CDATA[N]]></Nonce>\n</xml>");
}

}  // namespace
}  // namespace groupdesk::wecom
