// Query-string parsing as the platforms send it: percent-encoded base64, '+' kept literally.
#include "common/query_string.h"

#include <gtest/gtest.h>

namespace groupdesk {
namespace {

TEST(PercentDecode, DecodesEscapesOfBothCases) {
    EXPECT_EQ(percent_decode("a%2Fb%2fc%3D%3d"), "a/b/c==");
}

TEST(PercentDecode, DecodesEscapesAtEitherEndAndBackToBack) {
    EXPECT_EQ(percent_decode("%41"), "A");
    EXPECT_EQ(percent_decode("%41%42%43"), "ABC");
    EXPECT_EQ(percent_decode("x%41"), "xA");
    EXPECT_EQ(percent_decode("%41x"), "Ax");
    EXPECT_EQ(percent_decode(""), "");
}

TEST(PercentDecode, KeepsPlusLiterally) {
    // base64 '+' must survive: the platform signs the text with '+' in it.
    EXPECT_EQ(percent_decode("ab+cd"), "ab+cd");
    EXPECT_EQ(percent_decode("ab%2Bcd"), "ab+cd");
}

TEST(PercentDecode, RejectsTruncatedOrNonHexEscapes) {
    EXPECT_EQ(percent_decode("abc%"), std::nullopt);
    EXPECT_EQ(percent_decode("abc%4"), std::nullopt);
    EXPECT_EQ(percent_decode("abc%zz"), std::nullopt);
    EXPECT_EQ(percent_decode("%g0"), std::nullopt);
}

TEST(PercentDecode, DecodesBinaryAndUtf8) {
    EXPECT_EQ(percent_decode("%E5%B7%A5%00x"), std::string("\xE5\xB7\xA5\0x", 5));
}

TEST(QueryParams, ParsesTheOfficialVerifyQuery) {
    auto params = QueryParams::parse(
        "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce="
        "263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%"
        "2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D");
    ASSERT_TRUE(params.ok());
    EXPECT_EQ(params->get("msg_signature"), "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
    EXPECT_EQ(params->get("timestamp"), "1409659589");
    EXPECT_EQ(params->get("nonce"), "263014780");
    EXPECT_EQ(params->get("echostr"),
              "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+"
              "FZXvnaqQ==");
    EXPECT_EQ(params->get("missing"), std::nullopt);
}

TEST(QueryParams, FirstValueWinsAndEmptyPiecesAreSkipped) {
    auto params = QueryParams::parse("&a=1&&a=2&b&c=");
    ASSERT_TRUE(params.ok());
    EXPECT_EQ(params->get("a"), "1");
    EXPECT_EQ(params->get("b"), "");
    EXPECT_EQ(params->get("c"), "");
}

TEST(QueryParams, RejectsMalformedEscapes) {
    auto params = QueryParams::parse("a=%ZZ");
    ASSERT_FALSE(params.ok());
    EXPECT_EQ(params.error().code, ErrorCode::InvalidArgument);
}

}  // namespace
}  // namespace groupdesk
