// Tests of wecom/crypto: every cipher, signature and negative vector of vectors.json, then edges.
#include "wecom/crypto.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/vectors.h"

namespace groupdesk::wecom {
namespace {

using groupdesk::test::from_hex;
using groupdesk::test::vector_by_id;
using groupdesk::test::vectors;
using Json = nlohmann::json;

constexpr const char* kSections[] = {"official", "positive", "mp_plaintext", "passive_replies",
                                     "negative"};

// Ids of the vectors in `sections` for which `keep` holds, in file order.
template <class Pred>
std::vector<std::string> ids_where(std::initializer_list<const char*> sections, Pred keep) {
    std::vector<std::string> ids;
    for (const char* section : sections) {
        for (const Json& v : vectors().at(section)) {
            if (keep(v)) ids.push_back(v.at("id").get<std::string>());
        }
    }
    return ids;
}

bool is_cipher_vector(const Json& v) { return v.contains("ciphertext_b64"); }
bool is_plain_signature_vector(const Json& v) {
    return v.contains("signature") && !v.contains("encrypt");
}
bool is_crypto_negative(const Json& v) { return v.contains("encrypt") || v.contains("body"); }

// GoogleTest names allow letters, digits and '_' only.
std::string test_name(const testing::TestParamInfo<std::string>& info) {
    std::string name = info.param;
    std::replace_if(
        name.begin(), name.end(), [](unsigned char c) { return !std::isalnum(c); }, '_');
    return name;
}

Result<MsgCrypt> crypto_for(const Json& v) {
    return MsgCrypt::create(v.at("token").get<std::string>(),
                            v.at("encoding_aes_key").get<std::string>(),
                            v.at("receive_id").get<std::string>());
}

std::string str(const Json& v, const char* key) { return v.at(key).get<std::string>(); }

// --- Vectors with a ciphertext: official, positive and passive replies ---------------------------

class CipherVectorTest : public testing::TestWithParam<std::string> {
protected:
    const Json& v() const { return vector_by_id(GetParam()); }
};

TEST_P(CipherVectorTest, DecryptGivesPlaintext) {
    const auto crypto = crypto_for(v());
    ASSERT_TRUE(crypto.ok()) << crypto.error().message;
    const auto plain = crypto->decrypt(str(v(), "ciphertext_b64"));
    ASSERT_TRUE(plain.ok()) << plain.error().message << " (" << plain.error().detail << ")";
    EXPECT_EQ(*plain, str(v(), "plaintext"));
}

TEST_P(CipherVectorTest, SignGivesMsgSignature) {
    const auto crypto = crypto_for(v());
    ASSERT_TRUE(crypto.ok()) << crypto.error().message;
    EXPECT_EQ(crypto->sign(str(v(), "timestamp"), str(v(), "nonce"), str(v(), "ciphertext_b64")),
              str(v(), "msg_signature"));
}

TEST_P(CipherVectorTest, VerifyAndDecryptSucceeds) {
    const auto crypto = crypto_for(v());
    ASSERT_TRUE(crypto.ok()) << crypto.error().message;
    const auto plain = crypto->verify_and_decrypt(str(v(), "msg_signature"), str(v(), "timestamp"),
                                                  str(v(), "nonce"), str(v(), "ciphertext_b64"));
    ASSERT_TRUE(plain.ok()) << plain.error().message << " (" << plain.error().detail << ")";
    EXPECT_EQ(*plain, str(v(), "plaintext"));
}

TEST_P(CipherVectorTest, EncryptReproducesCiphertext) {
    const auto crypto = crypto_for(v());
    ASSERT_TRUE(crypto.ok()) << crypto.error().message;
    const std::vector<unsigned char> random_hex = from_hex(str(v(), "random_hex"));
    RandomPrefix random{};
    ASSERT_EQ(random_hex.size(), random.size());
    std::copy(random_hex.begin(), random_hex.end(), random.begin());
    EXPECT_EQ(crypto->encrypt(str(v(), "plaintext"), random), str(v(), "ciphertext_b64"));
}

INSTANTIATE_TEST_SUITE_P(Vectors, CipherVectorTest,
                         testing::ValuesIn(ids_where({"official", "positive", "passive_replies"},
                                                     is_cipher_vector)),
                         test_name);

// --- Official Account plain signature (token, timestamp, nonce) ---------------------------------

class PlainSignatureTest : public testing::TestWithParam<std::string> {};

TEST_P(PlainSignatureTest, MatchesUnlessNegative) {
    const Json& v = vector_by_id(GetParam());
    const std::string signature =
        sha1_signature({str(v, "token"), str(v, "timestamp"), str(v, "nonce")});
    if (v.contains("expected_error")) {
        EXPECT_EQ(v.at("expected_error").get<int>(),
                  static_cast<int>(CryptoCode::ValidateSignature));
        EXPECT_NE(signature, str(v, "signature"));
        EXPECT_FALSE(constant_time_equals(signature, str(v, "signature")));
    } else {
        EXPECT_EQ(signature, str(v, "signature"));
    }
    if (v.contains("sorted_concat")) {
        EXPECT_EQ(sha1_signature({str(v, "sorted_concat")}), signature);
    }
}

INSTANTIATE_TEST_SUITE_P(Vectors, PlainSignatureTest,
                         testing::ValuesIn(ids_where({"official", "mp_plaintext", "negative"},
                                                     is_plain_signature_vector)),
                         test_name);

// --- Negative vectors: each fails at the step the official sample's order names -----------------

ErrorCode expected_code(int detail) {
    if (detail == static_cast<int>(CryptoCode::ValidateSignature)) {
        return ErrorCode::Unauthenticated;
    }
    if (detail == static_cast<int>(CryptoCode::IllegalAesKey)) return ErrorCode::FailedPrecondition;
    return ErrorCode::InvalidArgument;
}

// Error messages go to logs: no token and no key in them.
void expect_no_secret(const Error& error, const Json& v) {
    EXPECT_EQ(error.message.find(str(v, "token")), std::string::npos) << error.message;
    EXPECT_EQ(error.message.find(str(v, "encoding_aes_key")), std::string::npos) << error.message;
}

class NegativeVectorTest : public testing::TestWithParam<std::string> {};

TEST_P(NegativeVectorTest, FailsWithExpectedCode) {
    const Json& v = vector_by_id(GetParam());
    if (v.contains("body")) {
        GTEST_SKIP() << "envelope-parsing case (-40002): belongs to the XML/JSON codec tests";
    }
    const int expected = v.at("expected_error").get<int>();
    const auto crypto = crypto_for(v);
    if (expected == static_cast<int>(CryptoCode::IllegalAesKey)) {
        ASSERT_FALSE(crypto.ok());
        EXPECT_EQ(crypto.error().detail, expected);
        EXPECT_EQ(crypto.error().code, ErrorCode::FailedPrecondition);
        expect_no_secret(crypto.error(), v);
        return;
    }
    ASSERT_TRUE(crypto.ok()) << crypto.error().message;
    const auto result = crypto->verify_and_decrypt(str(v, "msg_signature"), str(v, "timestamp"),
                                                   str(v, "nonce"), str(v, "encrypt"));
    ASSERT_FALSE(result.ok()) << "decrypted to: " << *result;
    EXPECT_EQ(result.error().detail, expected) << result.error().message;
    EXPECT_EQ(result.error().code, expected_code(expected));
    EXPECT_FALSE(result.error().message.empty());
    expect_no_secret(result.error(), v);
}

INSTANTIATE_TEST_SUITE_P(Vectors, NegativeVectorTest,
                         testing::ValuesIn(ids_where({"negative"}, is_crypto_negative)), test_name);

// A vector added later without a suite to run it would otherwise pass unnoticed.
TEST(VectorCoverage, EveryVectorRunsInASuite) {
    for (const char* section : kSections) {
        for (const Json& v : vectors().at(section)) {
            const bool covered =
                is_cipher_vector(v) || is_plain_signature_vector(v) || is_crypto_negative(v);
            EXPECT_TRUE(covered) << str(v, "id");
        }
    }
}

// --- Further unit tests -----------------------------------------------------------------------

const Json& wecom_channel() { return vectors().at("channels").at("wecom"); }
const Json& aibot_channel() { return vectors().at("channels").at("aibot"); }

MsgCrypt channel_crypto(const Json& channel) {
    auto crypto = crypto_for(channel);
    EXPECT_TRUE(crypto.ok());
    return std::move(crypto).value();
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
    EXPECT_TRUE(constant_time_equals("", ""));
    EXPECT_TRUE(constant_time_equals("5c45ff5e21c5", "5c45ff5e21c5"));
    EXPECT_FALSE(constant_time_equals("5c45ff5e21c5", "6c45ff5e21c5"));  // first byte
    EXPECT_FALSE(constant_time_equals("5c45ff5e21c5", "5c45ff5e21c6"));  // last byte
    EXPECT_FALSE(constant_time_equals("5c45ff5e21c5", "5C45FF5E21C5"));  // case matters
    EXPECT_FALSE(constant_time_equals("5c45ff5e21c5", "5c45ff5e21c"));   // prefix
    EXPECT_FALSE(constant_time_equals("", "a"));
    EXPECT_TRUE(constant_time_equals(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
    EXPECT_FALSE(constant_time_equals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST(Sha1Signature, SortsPartsBytewise) {
    EXPECT_EQ(sha1_signature({"b", "c", "a"}), sha1_signature({"abc"}));
    EXPECT_EQ(sha1_signature({"c", "a", "b"}), sha1_signature({"a", "b", "c"}));
    // Unsigned byte order: 0xff sorts after 'a' (a signed char compare would put it first).
    EXPECT_EQ(sha1_signature({"\xff", "a"}), sha1_signature({"a\xff"}));
    EXPECT_NE(sha1_signature({"\xff", "a"}), sha1_signature({std::string(1, '\xff') + "a"}));
    // More parts than the inline buffer holds.
    EXPECT_EQ(sha1_signature({"9", "8", "7", "6", "5", "4", "3", "2", "1", "0"}),
              sha1_signature({"0123456789"}));
    EXPECT_EQ(sha1_signature({}), "da39a3ee5e6b4b0d3255bfef95601890afd80709");  // SHA-1("")
}

TEST(RandomBytes, FillsFromTheCsprng) {
    std::array<std::uint8_t, 32> a{};
    std::array<std::uint8_t, 32> b{};
    random_bytes(a);
    random_bytes(b);
    EXPECT_NE(a, b);  // equal with probability 2^-256
}

TEST(MsgCryptCreate, RejectsMalformedKeys) {
    const Json& ch = wecom_channel();
    const std::string key = str(ch, "encoding_aes_key");
    for (const std::string& bad : {key.substr(0, 42), key + "A", key.substr(0, 42) + "+",
                                   key.substr(0, 42) + "=", std::string(), std::string(43, ' ')}) {
        const auto crypto = MsgCrypt::create("token", bad, "ww1");
        ASSERT_FALSE(crypto.ok()) << bad;
        EXPECT_EQ(crypto.error().detail, static_cast<int>(CryptoCode::IllegalAesKey));
        EXPECT_EQ(crypto.error().code, ErrorCode::FailedPrecondition);
    }
}

TEST(MsgCryptEncrypt, CsprngPrefixDiffersBetweenCalls) {
    const MsgCrypt crypto = channel_crypto(wecom_channel());
    const std::string message = "<xml><Content><![CDATA[same]]></Content></xml>";
    const std::string first = crypto.encrypt(message);
    const std::string second = crypto.encrypt(message);
    // Same key, IV and message: only the random prefix can make the ciphertexts differ.
    EXPECT_NE(first, second);
    EXPECT_EQ(*crypto.decrypt(first), message);
    EXPECT_EQ(*crypto.decrypt(second), message);
}

TEST(MsgCryptEncrypt, RoundTripsOneMebibyte) {
    const MsgCrypt crypto = channel_crypto(wecom_channel());
    std::string message(std::size_t{1} << 20, '\0');
    for (std::size_t i = 0; i < message.size(); ++i) {
        message[i] = static_cast<char>((i * 131 + i / 251) & 0xff);
    }
    const std::string encrypt = crypto.encrypt(message);
    EXPECT_EQ(encrypt.size() % 4, 0u);
    const std::string signature = crypto.sign("1767225601", "2093746501", encrypt);
    const auto plain = crypto.verify_and_decrypt(signature, "1767225601", "2093746501", encrypt);
    ASSERT_TRUE(plain.ok()) << plain.error().message;
    EXPECT_TRUE(*plain == message);  // not EXPECT_EQ: a failure would print 1 MiB
}

TEST(MsgCryptEncrypt, EmptyMessageRoundTrips) {
    const MsgCrypt crypto = channel_crypto(wecom_channel());
    const std::string encrypt = crypto.encrypt("");
    // 20 header bytes + the receive id, padded to 32-byte blocks, in base64.
    const std::size_t plain = 20 + crypto.receive_id().size();
    EXPECT_EQ(encrypt.size(), ((plain / 32 + 1) * 32 + 2) / 3 * 4);
    const auto plain_text = crypto.decrypt(encrypt);
    ASSERT_TRUE(plain_text.ok()) << plain_text.error().message;
    EXPECT_EQ(*plain_text, "");
}

// The official rule is "more than 20 bytes after unpadding": an empty message with the AI bot's
// empty receive id leaves exactly 20, which the sample (and so GroupDesk) rejects.
TEST(MsgCryptEncrypt, EmptyMessageWithEmptyReceiveIdIsIllegalBuffer) {
    const MsgCrypt crypto = channel_crypto(aibot_channel());
    ASSERT_EQ(crypto.receive_id(), "");
    const auto result = crypto.decrypt(crypto.encrypt(""));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().detail, static_cast<int>(CryptoCode::IllegalBuffer));
    EXPECT_EQ(*crypto.decrypt(crypto.encrypt("x")), "x");
}

// Base64 that EVP_DecodeBlock alone would accept but the platform never sends, correctly signed
// so that the base64 step is the one that answers.
TEST(MsgCryptDecrypt, RejectsNonStandardBase64) {
    const MsgCrypt crypto = channel_crypto(wecom_channel());
    // 20 + 40 + 18 bytes pad to 96, a multiple of 3: base64 without '=', so that a trailing
    // blank is the only thing wrong with good + "\n".
    const std::string good = crypto.encrypt(std::string(40, 'x'));
    ASSERT_EQ(good.find('='), std::string::npos);
    ASSERT_TRUE(crypto.decrypt(good).ok());
    const auto with_char_at = [&good](std::size_t i, char c) {
        std::string s = good;
        s[i] = c;
        return s;
    };
    const std::string cases[] = {
        "",
        "    " + good.substr(4),  // leading blanks
        good + "\n\n\n\n",        // trailing newlines
        good + "\n",              // one trailing newline: length not a multiple of 4
        good.substr(0, good.size() - 4) + " AA=",  // a blank inside the text
        with_char_at(4, '='),                      // '=' inside the text
        with_char_at(5, '-'),                      // '-' is not in the alphabet
        with_char_at(6, '\n'),                     // nor is a newline
        good.substr(1),                            // length not a multiple of 4
        good + "====",                             // too much padding
        good.substr(4) + "A===",                   // three '='
    };
    for (const std::string& encrypt : cases) {
        const std::string signature = crypto.sign("1", "2", encrypt);
        const auto result = crypto.verify_and_decrypt(signature, "1", "2", encrypt);
        ASSERT_FALSE(result.ok()) << encrypt;
        EXPECT_EQ(result.error().detail, static_cast<int>(CryptoCode::DecodeBase64)) << encrypt;
        EXPECT_EQ(result.error().code, ErrorCode::InvalidArgument);
    }
}

TEST(MsgCryptDecrypt, ReceiveIdIsCheckedBytewise) {
    const Json& ch = wecom_channel();
    const auto sender =
        MsgCrypt::create(str(ch, "token"), str(ch, "encoding_aes_key"), "WW3F8A2B1C4D5E6F70");
    ASSERT_TRUE(sender.ok());
    const MsgCrypt receiver = channel_crypto(ch);
    const auto result = receiver.decrypt(sender->encrypt("hi"));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().detail, static_cast<int>(CryptoCode::ValidateReceiveId));
}

TEST(MsgCryptDecrypt, OfficialNonCanonicalKeyIsAccepted) {
    const Json& v = vector_by_id("official-wecom-doc-verify");
    ASSERT_EQ(str(v, "encoding_aes_key").back(), 'C');  // re-encodes as "...B2A=": not canonical
    EXPECT_TRUE(crypto_for(v).ok());
}

// FIPS 180-2 examples.
TEST(Sha256Hex, KnownDigests) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace groupdesk::wecom
