// Fuzz target: MsgCrypt's receive path (signature, base64, AES, padding, length, receive id) on
// arbitrary input, checked against the protocol's own rules, plus encrypt → decrypt round trips.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "wecom/crypto.h"

namespace {

using groupdesk::fuzz::fuzz_check;
using groupdesk::wecom::MsgCrypt;
using groupdesk::wecom::RandomPrefix;

// The wecom demo channel of tests/data/vectors.json ("channels.wecom"): test data, not a secret.
constexpr std::string_view kToken = "GroupDeskWeComToken2026";
constexpr std::string_view kEncodingAesKey = "lKRAqMwOrg1RbhWggwIFK0PAQ479hMozW3haoCZqB8E";
constexpr std::string_view kReceiveId = "ww3f8a2b1c4d5e6f70";

// An input is "msg_signature \n timestamp \n nonce \n encrypt" (the rest may hold more '\n').
constexpr char kSeparator = '\n';
// The plaintext-layout check costs one encrypt() per 16-byte block: bound it.
constexpr std::size_t kMaxLayoutBytes = 512;

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::uint32_t group = static_cast<std::uint8_t>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) group |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size()) group |= static_cast<std::uint8_t>(bytes[i + 2]);
        out.push_back(kBase64[(group >> 18) & 63]);
        out.push_back(kBase64[(group >> 12) & 63]);
        out.push_back(i + 1 < bytes.size() ? kBase64[(group >> 6) & 63] : '=');
        out.push_back(i + 2 < bytes.size() ? kBase64[group & 63] : '=');
    }
    return out;
}

// Decodes well-formed base64 only (our own output and the demo key); '=' ends the data.
std::string base64_decode(std::string_view text) {
    std::string out;
    std::uint32_t bits = 0;
    int count = 0;
    for (char c : text) {
        if (c == '=') break;
        auto pos = kBase64.find(c);
        fuzz_check(pos != std::string_view::npos, "harness base64 input is well-formed");
        bits = (bits << 6) | static_cast<std::uint32_t>(pos);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<char>((bits >> count) & 0xff));
        }
    }
    return out;
}

const MsgCrypt& crypt() {
    static const MsgCrypt instance = [] {
        auto made = MsgCrypt::create(std::string(kToken), kEncodingAesKey, std::string(kReceiveId));
        fuzz_check(made.ok(), "the demo channel's MsgCrypt builds");
        return std::move(made).value();
    }();
    return instance;
}

// IV = first 16 bytes of the AES key (protocol §3).
const std::string& iv() {
    static const std::string value =
        base64_decode(std::string(kEncodingAesKey) + "=").substr(0, 16);
    return value;
}

// One raw AES block encryption, obtained through the public API: encrypt() puts the random prefix
// in the first CBC block, so with prefix = x ^ IV the first ciphertext block is AES_k(x). This lets
// the fuzzer choose every byte the decryptor sees after AES, not only what encrypt() would write.
std::string aes_block(std::string_view x) {
    RandomPrefix prefix{};
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        prefix[i] = static_cast<std::uint8_t>(x[i] ^ iv()[i]);
    }
    return base64_decode(crypt().encrypt("", prefix)).substr(0, 16);
}

// AES-256-CBC of `plain` (a multiple of 16 bytes, no padding added), base64-encoded.
std::string cbc_encrypt(std::string_view plain) {
    std::string out;
    std::string chain = iv();
    for (std::size_t at = 0; at + 16 <= plain.size(); at += 16) {
        std::string block(16, '\0');
        for (std::size_t i = 0; i < 16; ++i) block[i] = static_cast<char>(plain[at + i] ^ chain[i]);
        chain = aes_block(block);
        out += chain;
    }
    return base64_encode(out);
}

std::string layout(std::string_view message, const RandomPrefix& random) {
    std::string plain(random.begin(), random.end());
    auto len = static_cast<std::uint32_t>(message.size());
    for (int shift = 24; shift >= 0; shift -= 8) plain.push_back(static_cast<char>(len >> shift));
    plain.append(message).append(kReceiveId);
    auto pad = static_cast<char>(32 - plain.size() % 32);
    plain.append(static_cast<std::size_t>(pad), pad);
    return plain;
}

struct Expected {
    int detail = 0;  // 0: success
    std::string message;
};

// Steps 5..7 of protocol §3 applied to the bytes after AES, written from the spec alone.
Expected reference_open(std::string_view plain) {
    if (plain.size() < 32 || plain.size() % 32 != 0) return {-40007, {}};
    auto pad = static_cast<std::uint8_t>(plain.back());
    if (pad == 0 || pad > 32 || plain.size() == pad) return {-40007, {}};
    for (std::size_t i = plain.size() - pad; i < plain.size(); ++i) {
        if (static_cast<std::uint8_t>(plain[i]) != pad) return {-40007, {}};  // strict PKCS#7
    }
    std::string_view body = plain.substr(0, plain.size() - pad);
    if (body.size() <= 20) return {-40008, {}};
    std::uint64_t len = 0;
    for (std::size_t i = 16; i < 20; ++i) len = (len << 8) | static_cast<std::uint8_t>(body[i]);
    if (20 + len > body.size()) return {-40008, {}};
    if (body.substr(20 + len) != kReceiveId) return {-40005, {}};
    return {0, std::string(body.substr(20, len))};
}

void check_same(const groupdesk::Result<std::string>& a, const groupdesk::Result<std::string>& b,
                const char* what) {
    fuzz_check(a.ok() == b.ok(), what);
    if (a.ok()) {
        fuzz_check(*a == *b, what);
    } else {
        fuzz_check(a.error().detail == b.error().detail, what);
    }
}

// The harness's own AES path must agree with encrypt() before its verdicts mean anything.
void check_harness_once() {
    static const bool checked = [] {
        RandomPrefix random{};
        for (std::size_t i = 0; i < random.size(); ++i)
            random[i] = static_cast<std::uint8_t>(i * 7);
        fuzz_check(cbc_encrypt(layout("harness self-check", random)) ==
                       crypt().encrypt("harness self-check", random),
                   "harness CBC agrees with MsgCrypt::encrypt");
        return true;
    }();
    (void)checked;
}

std::vector<std::string_view> split_fields(std::string_view input) {
    std::vector<std::string_view> fields;
    while (fields.size() < 3) {
        auto at = input.find(kSeparator);
        if (at == std::string_view::npos) break;
        fields.push_back(input.substr(0, at));
        input.remove_prefix(at + 1);
    }
    fields.push_back(input);
    fields.resize(4);
    return fields;
}

void check_envelope(std::string_view input) {
    auto fields = split_fields(input);
    std::string_view signature = fields[0], timestamp = fields[1], nonce = fields[2];
    std::string_view encrypt = fields[3];
    const MsgCrypt& c = crypt();

    std::string expected_signature = c.sign(timestamp, nonce, encrypt);
    auto lower_hex = [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); };
    fuzz_check(expected_signature.size() == 40 &&
                   std::all_of(expected_signature.begin(), expected_signature.end(), lower_hex),
               "a signature is 40 lower-case hex digits");
    // The fields are sorted before hashing, so their order does not matter.
    fuzz_check(
        groupdesk::wecom::sha1_signature({encrypt, nonce, kToken, timestamp}) == expected_signature,
        "sha1_signature sorts its parts");
    fuzz_check(groupdesk::wecom::constant_time_equals(signature, expected_signature) ==
                   (signature == expected_signature),
               "constant_time_equals is equality");

    auto given = c.verify_and_decrypt(signature, timestamp, nonce, encrypt);
    if (signature != expected_signature) {
        fuzz_check(!given.ok() && given.error().detail == -40001, "a wrong signature is -40001");
    }
    // With the right signature, the signature check must be the only difference from decrypt().
    auto direct = c.decrypt(encrypt);
    check_same(c.verify_and_decrypt(expected_signature, timestamp, nonce, encrypt), direct,
               "verify_and_decrypt with a good signature equals decrypt");
}

void check_whole_as_base64(std::string_view input) {
    auto opened = crypt().decrypt(input);
    if (opened.ok()) return;
    int d = opened.error().detail;
    fuzz_check(d == -40010 || d == -40007 || d == -40008 || d == -40005,
               "decrypt fails only with a code of steps 3..7");
}

void check_layout(std::string_view input) {
    std::string_view plain = input.substr(0, std::min(input.size(), kMaxLayoutBytes));
    plain = plain.substr(0, plain.size() / 16 * 16);
    if (plain.empty()) return;
    Expected want = reference_open(plain);
    auto got = crypt().decrypt(cbc_encrypt(plain));
    fuzz_check(got.ok() == (want.detail == 0), "decrypt accepts exactly the spec's layouts");
    if (got.ok()) {
        fuzz_check(*got == want.message, "decrypt returns the spec's message");
    } else {
        fuzz_check(got.error().detail == want.detail, "decrypt fails with the spec's code");
    }
}

void check_round_trip(std::string_view input) {
    RandomPrefix random{};
    std::copy_n(input.begin(), std::min(input.size(), random.size()), random.begin());
    const MsgCrypt& c = crypt();

    std::string sealed = c.encrypt(input, random);
    std::size_t padded = (20 + input.size() + kReceiveId.size()) / 32 * 32 + 32;
    fuzz_check(sealed.size() == (padded + 2) / 3 * 4, "ciphertext is PKCS#7-padded to 32 bytes");
    if (input.size() <= kMaxLayoutBytes) {
        fuzz_check(sealed == cbc_encrypt(layout(input, random)),
                   "encrypt writes the spec's layout");
    }
    auto opened = c.decrypt(sealed);
    fuzz_check(opened.ok() && *opened == input, "decrypt(encrypt(x)) == x");
    auto verified =
        c.verify_and_decrypt(c.sign("1767225601", "fuzz", sealed), "1767225601", "fuzz", sealed);
    fuzz_check(verified.ok() && *verified == input, "verify_and_decrypt(encrypt(x)) == x");

    auto random_sealed = c.decrypt(c.encrypt(input));
    fuzz_check(random_sealed.ok() && *random_sealed == input, "round trip with a CSPRNG prefix");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check_harness_once();
    check_envelope(input);
    check_whole_as_base64(input);
    check_layout(input);
    check_round_trip(input);
    return 0;
}
