// Verification and opening of callbacks, driven by every HTTP request in vectors.json.
#include "bot/callback_verifier.h"

#include <gtest/gtest.h>

#include "common/clock.h"
#include "tests/support/callbacks.h"
#include "tests/support/vectors.h"

namespace groupdesk::bot {
namespace {

using test::vector_by_id;
using test::vectors;

config::ChannelKind kind_of(const nlohmann::json& v) {
    const std::string kind = v.at("kind");
    if (kind == "mp") return config::ChannelKind::Mp;
    if (kind == "aibot") return config::ChannelKind::AiBot;
    return config::ChannelKind::WeCom;
}

config::Channel channel_of(const nlohmann::json& v) {
    return config::Channel{"test",
                           kind_of(v),
                           v.at("token"),
                           v.value("encoding_aes_key", ""),
                           v.value("receive_id", ""),
                           ""};
}

std::optional<wecom::MsgCrypt> crypt_of(const config::Channel& c) {
    if (!c.encrypted()) return std::nullopt;
    auto crypt = wecom::MsgCrypt::create(c.token, c.encoding_aes_key, c.receive_id);
    EXPECT_TRUE(crypt.ok());
    return std::move(crypt).value();
}

constexpr std::chrono::seconds kWindow{3600};

// The moment a vector's request was sent: its signed timestamp.
std::chrono::system_clock::time_point sent_at(const std::string& timestamp) {
    return from_unix_seconds(std::stoll(timestamp));
}

Result<OpenedCallback> open_at_send_time(const config::Channel& channel,
                                         const wecom::MsgCrypt* crypt, const HttpRequest& r,
                                         const std::string& timestamp) {
    return open_callback(channel, crypt, r, sent_at(timestamp), kWindow);
}

HttpRequest request_of(const nlohmann::json& http) {
    HttpRequest r;
    r.method = http.at("method");
    r.target = "/callback/test?" + http.at("query_string").get<std::string>();
    r.body = http.value("body", "");
    return r;
}

std::vector<std::string> ids_with_http() {
    std::vector<std::string> ids;
    for (const char* section : {"positive", "mp_plaintext"}) {
        for (const auto& v : vectors().at(section)) ids.push_back(v.at("id"));
    }
    return ids;
}

class HttpVectorTest : public ::testing::TestWithParam<std::string> {};

TEST_P(HttpVectorTest, OpensAsThePlatformSentIt) {
    const auto& v = vector_by_id(GetParam());
    const auto channel = channel_of(v);
    const auto crypt = crypt_of(channel);
    const auto request = request_of(v.at("http"));
    if (request.method == "GET") {
        auto body = verify_url(channel, crypt ? &*crypt : nullptr, request);
        ASSERT_TRUE(body.ok()) << body.error().message;
        EXPECT_EQ(*body, v.at("http").at("expected_body").get<std::string>());
    } else {
        auto opened =
            open_at_send_time(channel, crypt ? &*crypt : nullptr, request, v.at("timestamp"));
        ASSERT_TRUE(opened.ok()) << opened.error().message;
        EXPECT_EQ(opened->body_signed, v.at("type") != "callback_plain");
        EXPECT_EQ(opened->message, v.at("plaintext").get<std::string>());
        EXPECT_EQ(opened->encrypted, v.at("type") != "callback_plain");
        EXPECT_EQ(opened->timestamp, v.at("timestamp").get<std::string>());
        EXPECT_EQ(opened->nonce, v.at("nonce").get<std::string>());
    }
}

INSTANTIATE_TEST_SUITE_P(Vectors, HttpVectorTest, ::testing::ValuesIn(ids_with_http()),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (char& c : name) c = std::isalnum(c) ? c : '_';
                             return name;
                         });

TEST(OpenCallback, NegativeVectorsFailWithTheOfficialCode) {
    for (const auto& v : vectors().at("negative")) {
        if (v.at("kind") == "mp" || v.at("id") == "neg-bad-encoding-aes-key") continue;
        const auto channel = channel_of(v);
        const auto crypt = crypt_of(channel);
        HttpRequest r;
        r.method = "POST";
        r.target = "/callback/test?msg_signature=" + v.at("msg_signature").get<std::string>() +
                   "&timestamp=" + v.at("timestamp").get<std::string>() +
                   "&nonce=" + v.at("nonce").get<std::string>();
        if (v.contains("body")) {
            r.body = v.at("body");
        } else if (channel.kind == config::ChannelKind::AiBot) {
            r.body = R"({"encrypt":")" + v.at("encrypt").get<std::string>() + R"("})";
        } else {
            r.body = "<xml><Encrypt><![CDATA[" + v.at("encrypt").get<std::string>() +
                     "]]></Encrypt></xml>";
        }
        auto opened = open_at_send_time(channel, &*crypt, r, v.at("timestamp"));
        ASSERT_FALSE(opened.ok()) << v.at("id");
        const int expected = v.at("expected_error");
        EXPECT_EQ(opened.error().detail, expected) << v.at("id");
        EXPECT_EQ(opened.error().code,
                  expected == -40001 ? ErrorCode::Unauthenticated : ErrorCode::InvalidArgument)
            << v.at("id");
    }
}

TEST(VerifyUrl, OfficialAccountPlainSignatureMismatch) {
    const auto& v = vector_by_id("neg-mp-plain-signature");
    config::Channel channel{"test", config::ChannelKind::Mp, v.at("token"), "", "", ""};
    HttpRequest r;
    r.method = "GET";
    r.target = "/callback/test?signature=" + v.at("signature").get<std::string>() +
               "&timestamp=" + v.at("timestamp").get<std::string>() +
               "&nonce=" + v.at("nonce").get<std::string>() + "&echostr=123";
    auto body = verify_url(channel, nullptr, r);
    ASSERT_FALSE(body.ok());
    EXPECT_EQ(body.error().code, ErrorCode::Unauthenticated);
}

TEST(VerifyUrl, OfficialPercentEncodedEchostr) {
    const auto& v = vector_by_id("official-wecom-doc-verify");
    const auto channel = channel_of(v);
    const auto crypt = crypt_of(channel);
    HttpRequest r;
    r.method = "GET";
    r.target = "/callback/test?" + v.at("raw_query_string").get<std::string>();
    auto body = verify_url(channel, &*crypt, r);
    ASSERT_TRUE(body.ok()) << body.error().message;
    EXPECT_EQ(*body, v.at("plaintext").get<std::string>());
}

TEST(OpenCallback, MissingSignatureParametersAreUnauthenticated) {
    const auto& v = vector_by_id("wecom-text-ascii");
    const auto channel = channel_of(v);
    const auto crypt = crypt_of(channel);
    HttpRequest r;
    r.method = "POST";
    r.target = "/callback/test?timestamp=1&nonce=2";
    r.body = v.at("http").at("body");
    auto opened = open_at_send_time(channel, &*crypt, r, "1");
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::Unauthenticated);
}

config::Channel keyed_mp() {
    config::Channel c{"oa",
                      config::ChannelKind::Mp,
                      "GroupDeskMpToken2026",
                      "3nVrx2zzilnhlUG6WX3yAQeuVrTJTdSZaDMfgq9gOOk",
                      "wx8b2c4d6e8f0a1b3c",
                      ""};
    return c;
}

constexpr const char* kForged =
    "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oFORGED]]>"
    "</FromUserName><CreateTime>1767225601</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[help]]></Content><MsgId>1</MsgId></xml>";

HttpRequest post(const test::CallbackRequest& callback) {
    HttpRequest r;
    r.method = "POST";
    r.target = callback.target;
    r.body = callback.body;
    return r;
}

// The downgrade: a plaintext-mode request, signed with the token only, on a channel with a key.
TEST(OpenCallback, KeyedOfficialAccountRefusesPlaintextRequests) {
    const auto channel = keyed_mp();
    const auto crypt = crypt_of(channel);
    const auto plain = post(test::plaintext_callback(channel, kForged, "1767225601", "7"));
    for (const std::string extra : {"", "&encrypt_type=raw", "&encrypt_type=AES"}) {
        HttpRequest r = plain;
        r.target += extra;
        SCOPED_TRACE(r.target);
        auto opened = open_at_send_time(channel, &*crypt, r, "1767225601");
        ASSERT_FALSE(opened.ok());
        EXPECT_EQ(opened.error().code, ErrorCode::Unauthenticated);
        EXPECT_NE(opened.error().message.find("encrypt_type=aes required"), std::string::npos);
    }
    // encrypt_type=aes with the plain signature but no msg_signature is refused as well.
    HttpRequest no_msg_signature = plain;
    no_msg_signature.target += "&encrypt_type=aes";
    auto opened = open_at_send_time(channel, &*crypt, no_msg_signature, "1767225601");
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::Unauthenticated);
}

TEST(OpenCallback, AcceptPlaintextLetsTheSwitchOverThroughUnsigned) {
    auto channel = keyed_mp();
    channel.accept_plaintext = true;
    const auto crypt = crypt_of(channel);
    const auto r = post(test::plaintext_callback(channel, kForged, "1767225601", "7"));
    auto opened = open_at_send_time(channel, &*crypt, r, "1767225601");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_FALSE(opened->encrypted);
    EXPECT_FALSE(opened->body_signed);
    EXPECT_EQ(opened->message, kForged);
    // Encrypted requests keep working on it, signed over the body.
    const auto enc = post(test::encrypted_callback(channel, kForged, "1767225601", "8"));
    auto encrypted = open_at_send_time(channel, &*crypt, enc, "1767225601");
    ASSERT_TRUE(encrypted.ok()) << encrypted.error().message;
    EXPECT_TRUE(encrypted->body_signed);
}

// A captured callback replayed later is refused, whatever the channel kind.
TEST(OpenCallback, TimestampOutsideTheWindowIsRefused) {
    for (const char* id : {"wecom-text-ascii", "mp-plain-text"}) {
        SCOPED_TRACE(id);
        const auto& v = vector_by_id(id);
        const auto channel = channel_of(v);
        const auto crypt = crypt_of(channel);
        const auto request = request_of(v.at("http"));
        const auto sent = sent_at(v.at("timestamp"));
        const wecom::MsgCrypt* c = crypt ? &*crypt : nullptr;
        for (auto now : {sent + kWindow, sent - kWindow}) {
            EXPECT_TRUE(open_callback(channel, c, request, now, kWindow).ok());
        }
        for (auto now : {sent + kWindow + std::chrono::seconds(1),
                         sent - kWindow - std::chrono::seconds(1), sent + std::chrono::hours(73)}) {
            auto opened = open_callback(channel, c, request, now, kWindow);
            ASSERT_FALSE(opened.ok());
            EXPECT_EQ(opened.error().code, ErrorCode::Unauthenticated);
            EXPECT_NE(opened.error().message.find("timestamp outside"), std::string::npos);
        }
    }
}

TEST(OpenCallback, MalformedTimestampIsABadRequest) {
    config::Channel channel{"oa", config::ChannelKind::Mp, "GroupDeskMpToken2026", "", "", ""};
    for (const char* timestamp : {"17672256O1", "-5", "1e9", "", "99999999999999999999"}) {
        SCOPED_TRACE(timestamp);
        const auto r = post(test::plaintext_callback(channel, kForged, timestamp, "7"));
        auto opened = open_callback(channel, nullptr, r, sent_at("1767225601"), kWindow);
        ASSERT_FALSE(opened.ok());
        EXPECT_EQ(opened.error().code, ErrorCode::InvalidArgument);
        EXPECT_EQ(opened.error().message, "malformed timestamp");
    }
}

}  // namespace
}  // namespace groupdesk::bot
