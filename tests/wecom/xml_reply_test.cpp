// Tests of XML reply encoding: the passive reply vectors byte for byte, text limits and
// escaping, news replies and the encrypted reply envelope.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/support/vectors.h"
#include "tests/wecom/xml_test_support.h"
#include "common/utf8.h"
#include "wecom/xml_codec.h"

namespace groupdesk::wecom {
namespace {

using config::ChannelKind;
using nlohmann::json;
using test::kind_of;
using test::tag;
using test::vectors;

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

// A control character XML cannot carry sits inside "]]>": it is dropped, and what is left must
// still not close the section (fuzz_xml_codec found "]]\x0f>" doing that).
TEST(XmlCodec, ControlCharacterInsideCdataTerminatorCannotCloseTheSection) {
    for (const char* text : {"]]\x01>", "a]]\x0f><x", "]\x02]>", "]]\x01\x02>]]>"}) {
        SCOPED_TRACE(::testing::PrintToString(std::string(text)));
        const std::string xml = encode_xml_reply(TextReply{text}, "u", "c", 1);
        std::string visible(text);
        std::erase_if(visible, [](char c) { return static_cast<unsigned char>(c) < 0x20; });
        EXPECT_EQ(content_of_reply(xml), visible);
    }
}

// The sender is written back as ToUserName: a crafted sender must not add elements to the reply.
TEST(XmlCodec, CraftedSenderCannotInjectElements) {
    const std::string sender =
        "zhang]]\x01></ToUserName><Injected>1</Injected><ToUserName><![CDATA[x";
    const std::string xml = encode_xml_reply(TextReply{"hi"}, sender, "corp", 1);
    // Decoded as the platform would: one ToUserName holding the whole sender, nothing injected.
    const auto back = decode_xml_message(xml, ChannelKind::WeCom);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->recipient, "zhang]]></ToUserName><Injected>1</Injected><ToUserName><![CDATA[x");
    EXPECT_EQ(std::get<TextBody>(back->body).content, "hi");
}

// fuzz_xml_codec's minimised input (fuzz/seeds/fuzz_xml_codec/regression-cdata-control-split):
// a message whose content holds "]]\x0f>" must get a reply that parses and keeps the content.
TEST(XmlCodec, FuzzRegressionCdataControlSplit) {
    const std::string input =
        "<xml><ToUserName><![CDATA[a]]></ToUserName><FromUserName><![CDATA[b]]></FromUserName>"
        "<CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[]]\x0f>"
        "<x]]></Content><MsgId>1</MsgId></xml>";
    const auto msg = decode_xml_message(input, ChannelKind::WeCom);
    ASSERT_TRUE(msg.ok()) << msg.error().message;
    const std::string& content = std::get<TextBody>(msg->body).content;
    ASSERT_EQ(content, "]]\x0f><x");
    const std::string xml = encode_xml_reply(TextReply{content}, msg->sender, msg->recipient, 1);
    EXPECT_EQ(content_of_reply(xml), "]]><x");
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
        const auto cut = utf8_truncate(mixed, max);
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

// XML channels cannot show a card; the reply must still go out, as its text.
TEST(XmlCodec, TemplateCardFallsBackToText) {
    TemplateCard card;
    card.task_id = "tk1";
    card.main_title = {"Ticket #1 created", "Printer"};
    card.horizontal_content_list = {{"Status", "open"}, {"", "no key"}};
    card.button_list = {{"Accept", 1, "t:1:accept"}};
    const std::string expected = "Ticket #1 created\nPrinter\nStatus: open\nno key";
    EXPECT_EQ(encode_xml_reply(TemplateCardReply{card}, "user", "corp", 42),
              "<xml><ToUserName><![CDATA[user]]></ToUserName><FromUserName><![CDATA[corp]]>"
              "</FromUserName><CreateTime>42</CreateTime><MsgType><![CDATA[text]]></MsgType>"
              "<Content><![CDATA[" +
                  expected + "]]></Content></xml>");
    EXPECT_EQ(content_of_reply(encode_xml_reply(CardUpdateReply{card, {"u1"}}, "u", "c", 1)),
              expected);
    EXPECT_EQ(content_of_reply(encode_xml_reply(TemplateCardReply{}, "u", "c", 1)), "");
}

TEST(XmlCodec, EnvelopeHasTheOfficialLayout) {
    EXPECT_EQ(encode_xml_envelope("E", "S", "1", "N"),
              "<xml>\n<Encrypt><![CDATA[E]]></Encrypt>\n<MsgSignature><![CDATA[S]]></MsgSignature>"
              "\n<TimeStamp>1</TimeStamp>\n<Nonce><![CDATA[N]]></Nonce>\n</xml>");
}

}  // namespace
}  // namespace groupdesk::wecom
