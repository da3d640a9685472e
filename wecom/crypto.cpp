// WXBizMsgCrypt on OpenSSL 3.0: SHA-1 signatures, base64, AES-256-CBC with PKCS#7 to 32 bytes,
// and the random || msg_len || msg || receive_id layout, checked in the official sample's order.
#include "wecom/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

namespace groupdesk::wecom {
namespace {

constexpr std::size_t kRandomLen = 16;
constexpr std::size_t kHeaderLen = kRandomLen + 4;  // random || msg_len
// PKCS7Encoder.block_size of the samples: the padding block is 32 bytes, not AES's 16.
constexpr std::size_t kPadBlock = 32;
constexpr std::size_t kEncodingAesKeyLen = 43;
constexpr std::size_t kAesKeyLen = 32;
constexpr std::size_t kSha1Len = 20;
constexpr std::size_t kSha1HexLen = 2 * kSha1Len;

// OpenSSL lengths are int: larger buffers go through in chunks that keep each call's input and
// output below INT_MAX and on a block boundary (16 for AES, 3 -> 4 for base64).
constexpr std::size_t kAesChunk = std::size_t{1} << 30;
constexpr std::size_t kEncodeChunk = std::size_t{3} << 28;
constexpr std::size_t kDecodeChunk = std::size_t{1} << 30;
constexpr std::size_t kRandChunk = std::size_t{1} << 30;

using Sha1Hex = std::array<char, kSha1HexLen>;

// Only for failures that leave no safe way on (no random bytes, no cipher at all).
[[noreturn]] void fatal(const char* what) {
    std::fprintf(stderr, "groupdesk wecom crypto: %s\n", what);
    std::abort();
}

Error crypto_error(CryptoCode code, const char* message) {
    ErrorCode kind = ErrorCode::InvalidArgument;
    if (code == CryptoCode::ValidateSignature) kind = ErrorCode::Unauthenticated;
    if (code == CryptoCode::IllegalAesKey) kind = ErrorCode::FailedPrecondition;
    // Every message here is a fixed literal naming the step that failed: safe to show.
    return with_public_reason(make_error(kind, message, static_cast<int>(code)), message);
}

// Fetched once: an implicit fetch per call (EVP_aes_256_cbc()) costs a provider lookup each time.
const EVP_CIPHER* aes_256_cbc() {
    static const EVP_CIPHER* const cipher = [] {
        EVP_CIPHER* fetched = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
        if (fetched == nullptr) fatal("AES-256-CBC is not available");
        return fetched;
    }();
    return cipher;
}

const EVP_MD* sha1_md() {
    static const EVP_MD* const md = [] {
        EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA1", nullptr);
        if (fetched == nullptr) fatal("SHA-1 is not available");
        return fetched;
    }();
    return md;
}

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

// One context of each kind per thread, reused: it spares an allocation per call and shares
// nothing between threads.
EVP_CIPHER_CTX* cipher_ctx() {
    thread_local const std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
    return ctx.get();
}

EVP_MD_CTX* md_ctx() {
    thread_local const std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    return ctx.get();
}

unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// Sorts `parts` in place. string_view compares through char_traits<char>, which orders bytes as
// unsigned char, i.e. the byte-wise order the platform uses.
std::optional<Sha1Hex> sha1_hex(std::span<std::string_view> parts) {
    std::sort(parts.begin(), parts.end());
    EVP_MD_CTX* ctx = md_ctx();
    if (ctx == nullptr || EVP_DigestInit_ex2(ctx, sha1_md(), nullptr) != 1) return std::nullopt;
    for (std::string_view part : parts) {
        if (EVP_DigestUpdate(ctx, part.data(), part.size()) != 1) return std::nullopt;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_DigestFinal_ex(ctx, digest, &digest_len) != 1 || digest_len != kSha1Len) {
        return std::nullopt;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    Sha1Hex hex;
    for (std::size_t i = 0; i < kSha1Len; ++i) {
        hex[2 * i] = kHex[digest[i] >> 4];
        hex[2 * i + 1] = kHex[digest[i] & 0x0f];
    }
    return hex;
}

// Standard base64 with '=' padding. EVP_DecodeBlock refuses other characters and lengths that are
// not a multiple of 4, but alone it would also skip leading blanks, drop trailing blanks, newlines
// and '-', and read a '=' inside the text as zero bits. The platform sends none of that, so such
// input is refused too: '=' only at the end, and a decoded size that shows nothing was trimmed.
bool decode_base64(std::string_view in, std::string& out) {
    if (in.empty() || in.size() % 4 != 0) return false;
    std::size_t pad = 0;
    while (pad < 2 && in[in.size() - 1 - pad] == '=') ++pad;
    if (in.substr(0, in.size() - pad).find('=') != std::string_view::npos) return false;
    out.resize(in.size() / 4 * 3);
    std::size_t written = 0;
    for (std::size_t done = 0; done < in.size(); done += kDecodeChunk) {
        const std::size_t chunk = std::min(kDecodeChunk, in.size() - done);
        const int n = EVP_DecodeBlock(bytes(out) + written,
                                      reinterpret_cast<const unsigned char*>(in.data() + done),
                                      static_cast<int>(chunk));
        // Fewer bytes than chunk / 4 * 3 means EVP_DecodeBlock trimmed blanks at an edge.
        if (n < 0 || static_cast<std::size_t>(n) != chunk / 4 * 3) return false;
        written += static_cast<std::size_t>(n);
    }
    // EVP_DecodeBlock counts the bytes of the '=' groups too: one fewer per '='.
    out.resize(written - pad);
    return true;
}

bool encode_base64(const unsigned char* in, std::size_t size, std::string& out) {
    const std::size_t out_len = (size + 2) / 3 * 4;
    out.resize(out_len + 1);  // EVP_EncodeBlock writes a terminating NUL
    std::size_t written = 0;
    for (std::size_t done = 0; done < size; done += kEncodeChunk) {
        const std::size_t chunk = std::min(kEncodeChunk, size - done);
        const int n = EVP_EncodeBlock(bytes(out) + written, in + done, static_cast<int>(chunk));
        if (n < 0) return false;
        written += static_cast<std::size_t>(n);
    }
    if (written != out_len) return false;
    out.resize(out_len);
    return true;
}

// AES-256-CBC in place over whole blocks, with the library's padding off (it would pad to 16):
// the 32-byte PKCS#7 is done by the callers.
bool aes_cbc_in_place(bool encrypt, const std::array<std::uint8_t, kAesKeyLen>& key,
                      unsigned char* data, std::size_t size) {
    EVP_CIPHER_CTX* ctx = cipher_ctx();
    const unsigned char* iv = key.data();  // IV = the first 16 bytes of the AES key
    if (ctx == nullptr ||
        EVP_CipherInit_ex2(ctx, aes_256_cbc(), key.data(), iv, encrypt ? 1 : 0, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
        return false;
    }
    for (std::size_t done = 0; done < size; done += kAesChunk) {
        const std::size_t chunk = std::min(kAesChunk, size - done);
        int out_len = 0;
        if (EVP_CipherUpdate(ctx, data + done, &out_len, data + done, static_cast<int>(chunk)) !=
                1 ||
            static_cast<std::size_t>(out_len) != chunk) {
            return false;
        }
    }
    unsigned char tail[EVP_MAX_BLOCK_LENGTH];
    int tail_len = 0;
    return EVP_CipherFinal_ex(ctx, tail, &tail_len) == 1 && tail_len == 0;
}

std::uint32_t read_be32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

}  // namespace

std::string sha1_signature(std::initializer_list<std::string_view> parts) {
    constexpr std::size_t kInline = 8;
    std::array<std::string_view, kInline> inline_parts;
    std::vector<std::string_view> heap_parts;
    std::span<std::string_view> sorted;
    if (parts.size() <= kInline) {
        std::copy(parts.begin(), parts.end(), inline_parts.begin());
        sorted = std::span(inline_parts.data(), parts.size());
    } else {
        heap_parts.assign(parts);
        sorted = heap_parts;
    }
    // No error channel here: an empty string never matches a 40-digit signature.
    const std::optional<Sha1Hex> hex = sha1_hex(sorted);
    return hex ? std::string(hex->data(), hex->size()) : std::string();
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &digest_len, EVP_sha256(), nullptr) != 1) {
        return std::string();
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex(std::size_t{2} * digest_len, '0');
    for (std::size_t i = 0; i < digest_len; ++i) {
        hex[2 * i] = kHex[digest[i] >> 4];
        hex[2 * i + 1] = kHex[digest[i] & 0x0f];
    }
    return hex;
}

bool constant_time_equals(std::string_view a, std::string_view b) noexcept {
    // The lengths are public (a signature is always 40 digits); only the contents are compared
    // in constant time.
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void random_bytes(std::span<std::uint8_t> out) {
    for (std::size_t done = 0; done < out.size(); done += kRandChunk) {
        const std::size_t chunk = std::min(kRandChunk, out.size() - done);
        // Going on with predictable "random" bytes would be worse than stopping.
        if (RAND_bytes(out.data() + done, static_cast<int>(chunk)) != 1) {
            fatal("the CSPRNG failed");
        }
    }
}

Result<MsgCrypt> MsgCrypt::create(std::string token, std::string_view encoding_aes_key,
                                  std::string receive_id) {
    const bool well_formed =
        encoding_aes_key.size() == kEncodingAesKeyLen &&
        std::all_of(encoding_aes_key.begin(), encoding_aes_key.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        });
    if (!well_formed) {
        return crypto_error(CryptoCode::IllegalAesKey, "EncodingAESKey is not 43 letters/digits");
    }
    // Lenient on purpose: the official key's last character carries non-zero spare bits, which a
    // canonical decoder rejects; EVP_DecodeBlock (as in the C++ sample) takes it.
    std::array<unsigned char, kEncodingAesKeyLen + 1> text;
    std::memcpy(text.data(), encoding_aes_key.data(), kEncodingAesKeyLen);
    text[kEncodingAesKeyLen] = '=';
    std::array<unsigned char, (kEncodingAesKeyLen + 1) / 4 * 3> raw;
    const int n = EVP_DecodeBlock(raw.data(), text.data(), static_cast<int>(text.size()));
    const std::size_t pads = 1;  // the '=' appended above; the key itself has none
    const bool decoded = n >= 0 && static_cast<std::size_t>(n) - pads == kAesKeyLen;
    std::array<std::uint8_t, kAesKeyLen> key{};
    if (decoded) std::memcpy(key.data(), raw.data(), kAesKeyLen);
    OPENSSL_cleanse(raw.data(), raw.size());
    OPENSSL_cleanse(text.data(), text.size());
    if (!decoded) {
        return crypto_error(CryptoCode::IllegalAesKey,
                            "EncodingAESKey does not decode to 32 bytes");
    }
    MsgCrypt crypto(std::move(token), key, std::move(receive_id));
    OPENSSL_cleanse(key.data(), key.size());
    return crypto;
}

std::string MsgCrypt::sign(std::string_view timestamp, std::string_view nonce,
                           std::string_view encrypt) const {
    return sha1_signature({token_, timestamp, nonce, encrypt});
}

Result<std::string> MsgCrypt::verify_and_decrypt(std::string_view msg_signature,
                                                 std::string_view timestamp, std::string_view nonce,
                                                 std::string_view encrypt) const {
    std::array<std::string_view, 4> parts{token_, timestamp, nonce, encrypt};
    const std::optional<Sha1Hex> expected = sha1_hex(parts);
    if (!expected) {
        return crypto_error(CryptoCode::ComputeSignature, "SHA-1 failed");
    }
    // Lower-case hex only, as the samples compare: upper-case digits are a mismatch.
    if (!constant_time_equals(std::string_view(expected->data(), expected->size()),
                              msg_signature)) {
        return crypto_error(CryptoCode::ValidateSignature, "msg_signature mismatch");
    }
    return decrypt(encrypt);
}

Result<std::string> MsgCrypt::decrypt(std::string_view encrypt) const {
    std::string buf;  // base64-decoded, decrypted in place, then cut down to the message
    if (!decode_base64(encrypt, buf)) {
        return crypto_error(CryptoCode::DecodeBase64, "ciphertext is not valid base64");
    }
    std::size_t size = buf.size();
    if (size < kPadBlock || size % kPadBlock != 0) {
        return crypto_error(CryptoCode::DecryptAes, "ciphertext size is not a multiple of 32");
    }
    if (!aes_cbc_in_place(false, key_, bytes(buf), size)) {
        return crypto_error(CryptoCode::DecryptAes, "AES decryption failed");
    }
    const unsigned char* p = bytes(buf);
    const std::size_t pad = p[size - 1];
    if (pad == 0 || pad > kPadBlock || size - pad == 0) {
        return crypto_error(CryptoCode::DecryptAes, "bad PKCS#7 pad count");
    }
    // Stricter than the samples, which look at the last byte only.
    for (std::size_t i = size - pad; i < size - 1; ++i) {
        if (p[i] != pad) return crypto_error(CryptoCode::DecryptAes, "inconsistent PKCS#7 padding");
    }
    size -= pad;
    if (size <= kHeaderLen) {
        return crypto_error(CryptoCode::IllegalBuffer, "decrypted buffer too short");
    }
    // 64-bit sum: msg_len may be 0xFFFFFFFF.
    const std::uint64_t msg_len = read_be32(p + kRandomLen);
    if (kHeaderLen + msg_len > size) {
        return crypto_error(CryptoCode::IllegalBuffer, "msg_len overruns the buffer");
    }
    const std::size_t msg_end = kHeaderLen + static_cast<std::size_t>(msg_len);
    const std::string_view tail(buf.data() + msg_end, size - msg_end);
    if (tail != receive_id_) {
        return crypto_error(CryptoCode::ValidateReceiveId, "receive id mismatch");
    }
    std::memmove(buf.data(), buf.data() + kHeaderLen, static_cast<std::size_t>(msg_len));
    buf.resize(static_cast<std::size_t>(msg_len));
    return buf;
}

std::string MsgCrypt::encrypt(std::string_view message, const RandomPrefix& random) const {
    // No error channel in this signature: the empty string (never valid ciphertext) stands for a
    // message too long for the 32-bit length field or an OpenSSL failure.
    if (message.size() > std::numeric_limits<std::uint32_t>::max()) return {};
    const std::size_t plain = kHeaderLen + message.size() + receive_id_.size();
    const std::size_t pad = kPadBlock - plain % kPadBlock;  // 1..32: a full block when aligned
    const auto msg_len = static_cast<std::uint32_t>(message.size());
    const char length[4] = {static_cast<char>(msg_len >> 24), static_cast<char>(msg_len >> 16),
                            static_cast<char>(msg_len >> 8), static_cast<char>(msg_len)};
    std::string buf;
    buf.reserve(plain + pad);
    buf.append(reinterpret_cast<const char*>(random.data()), random.size());
    buf.append(length, sizeof length);
    buf.append(message);
    buf.append(receive_id_);
    buf.append(pad, static_cast<char>(pad));
    std::string out;
    if (!aes_cbc_in_place(true, key_, bytes(buf), buf.size()) ||
        !encode_base64(bytes(buf), buf.size(), out)) {
        OPENSSL_cleanse(buf.data(), buf.size());
        return {};
    }
    return out;
}

std::string MsgCrypt::encrypt(std::string_view message) const {
    RandomPrefix random;
    random_bytes(random);
    return encrypt(message, random);
}

}  // namespace groupdesk::wecom
