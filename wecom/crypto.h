// The WXBizMsgCrypt scheme shared by WeCom apps, encrypted Official Accounts and the AI bot:
// SHA-1 signatures over sorted fields, AES-256-CBC with the key from the 43-character
// EncodingAESKey, PKCS#7 to 32-byte blocks, and the random/length/message/receive-id layout.
// This and crypto.cpp are the only places that know OpenSSL.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"

namespace groupdesk::wecom {

// Official return codes of the sample code (ierror.py / WXBizJsonMsgCrypt.h); an Error from this
// module carries one of them in Error::detail.
enum class CryptoCode : int {
    Ok = 0,
    ValidateSignature = -40001,
    ParseEnvelope = -40002,  // ParseXml_Error / ParseJson_Error
    ComputeSignature = -40003,
    IllegalAesKey = -40004,
    ValidateReceiveId = -40005,
    EncryptAes = -40006,
    DecryptAes = -40007,
    IllegalBuffer = -40008,
    EncodeBase64 = -40009,
    DecodeBase64 = -40010,
    GenReturnEnvelope = -40011,
};

// Lower-case hex SHA-1 of the parts sorted byte-wise and concatenated.
// msg_signature = sha1_signature({token, timestamp, nonce, encrypt});
// the Official Account plain signature = sha1_signature({token, timestamp, nonce}).
std::string sha1_signature(std::initializer_list<std::string_view> parts);

// Lower-case hex SHA-256 of `data` (64 digits): a fingerprint of a body, e.g. to tell whether a
// second request carries the same message as the first. Empty only if OpenSSL fails.
std::string sha256_hex(std::string_view data);

// Constant-time equality (the time does not depend on where the strings differ).
bool constant_time_equals(std::string_view a, std::string_view b) noexcept;

// Fills `out` from a CSPRNG.
void random_bytes(std::span<std::uint8_t> out);

using RandomPrefix = std::array<std::uint8_t, 16>;

// One channel's crypto, built once at start-up from its config and reused for every callback.
// Thread-safe: all methods are const and keep no shared mutable state.
class MsgCrypt {
public:
    // Fails with detail -40004 when the EncodingAESKey is not 43 characters decoding to 32 bytes.
    static Result<MsgCrypt> create(std::string token, std::string_view encoding_aes_key,
                                   std::string receive_id);

    // sha1_signature({token, timestamp, nonce, encrypt}).
    std::string sign(std::string_view timestamp, std::string_view nonce,
                     std::string_view encrypt) const;

    // Steps 2..7 of the official order: signature (-40001), base64 (-40010), AES and padding
    // (-40007), length (-40008), receive id (-40005). Returns the message.
    Result<std::string> verify_and_decrypt(std::string_view msg_signature,
                                           std::string_view timestamp, std::string_view nonce,
                                           std::string_view encrypt) const;

    // Steps 3..7 only, for a ciphertext whose signature was checked already.
    Result<std::string> decrypt(std::string_view encrypt) const;

    // Base64 ciphertext of random || len || message || receive_id. The random prefix is an
    // input so that tests reproduce the published vectors byte for byte.
    std::string encrypt(std::string_view message, const RandomPrefix& random) const;
    // The same with a CSPRNG prefix.
    std::string encrypt(std::string_view message) const;

    const std::string& receive_id() const { return receive_id_; }

private:
    MsgCrypt(std::string token, std::array<std::uint8_t, 32> key, std::string receive_id)
        : token_(std::move(token)), key_(key), receive_id_(std::move(receive_id)) {}

    std::string token_;
    std::array<std::uint8_t, 32> key_{};
    std::string receive_id_;
};

}  // namespace groupdesk::wecom
