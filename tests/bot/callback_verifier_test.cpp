// Verification and opening of callbacks, driven by every HTTP request in vectors.json.
#include "bot/callback_verifier.h"

#include <gtest/gtest.h>

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
    return config::Channel{"test", kind_of(v), v.at("token"), v.value("encoding_aes_key", ""),
                           v.value("receive_id", ""), ""};
}

std::optional<wecom::MsgCrypt> crypt_of(const config::Channel& c) {
    if (!c.encrypted()) return std::nullopt;
    auto crypt = wecom::MsgCrypt::create(c.token, c.encoding_aes_key, c.receive_id);
    EXPECT_TRUE(crypt.ok());
    return std::move(crypt).value();
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
        auto opened = open_callback(channel, crypt ? &*crypt : nullptr, request);
        ASSERT_TRUE(opened.ok()) << opened.error().message;
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
        auto opened = open_callback(channel, &*crypt, r);
        ASSERT_FALSE(opened.ok()) << v.at("id");
        const int expected = v.at("expected_error");
        EXPECT_EQ(opened.error().detail, expected) << v.at("id");
        EXPECT_EQ(opened.error().code, expected == -40001 ? ErrorCode::Unauthenticated
                                                          : ErrorCode::InvalidArgument)
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
    auto opened = open_callback(channel, &*crypt, r);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().code, ErrorCode::Unauthenticated);
}

}  // namespace
}  // namespace groupdesk::bot
