// Signature checks and decryption per channel kind (protocol brief §2, §3, §5, §6).
#include "bot/callback_verifier.h"

#include <charconv>

#include "common/clock.h"
#include "common/query_string.h"
#include "wecom/json_codec.h"
#include "wecom/xml_codec.h"

namespace groupdesk::bot {
namespace {

using config::ChannelKind;

// A verification failure whose fixed text is safe to show: it tells the operator testing the
// console what went wrong without revealing anything internal.
Error public_error(ErrorCode code, std::string_view reason, int detail = 0) {
    return with_public_reason(make_error(code, std::string(reason), detail), reason);
}

struct SignedQuery {
    std::string signature;  // msg_signature (encrypted kinds) or signature (mp)
    std::string timestamp;
    std::string nonce;
};

Error missing_signature() {
    return public_error(ErrorCode::Unauthenticated, "missing signature parameters",
                        static_cast<int>(wecom::CryptoCode::ValidateSignature));
}

Error bad_signature() {
    return public_error(ErrorCode::Unauthenticated, "signature mismatch",
                        static_cast<int>(wecom::CryptoCode::ValidateSignature));
}

Result<QueryParams> parse_query(const HttpRequest& request) {
    auto params = QueryParams::parse(request.query());
    if (!params.ok()) return public_error(ErrorCode::InvalidArgument, "malformed query string");
    return params;
}

Result<SignedQuery> signed_query(const QueryParams& params, std::string_view signature_name) {
    auto signature = params.get(signature_name);
    auto timestamp = params.get("timestamp");
    auto nonce = params.get("nonce");
    if (!signature || !timestamp || !nonce || signature->empty()) return missing_signature();
    return SignedQuery{std::string(*signature), std::string(*timestamp), std::string(*nonce)};
}

// The Official Account's plain signature over token, timestamp and nonce: checked on every mp
// request, whatever the mode. Returns the verified query.
Result<SignedQuery> check_mp_signature(const config::Channel& channel, const QueryParams& params) {
    auto q = signed_query(params, "signature");
    if (!q.ok()) return q;
    const std::string expected = wecom::sha1_signature({channel.token, q->timestamp, q->nonce});
    if (!wecom::constant_time_equals(expected, q->signature)) return bad_signature();
    return q;
}

Error no_crypt() {
    return public_error(ErrorCode::InvalidArgument, "encrypted request on a channel without a key",
                        static_cast<int>(wecom::CryptoCode::IllegalAesKey));
}

// The platform signs the time it sent the request; a request from further away than the window
// is a replay (or our clock is wrong, which the log line then shows).
Status check_timestamp(std::string_view text, std::chrono::system_clock::time_point now,
                       std::chrono::seconds window) {
    std::int64_t sent = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, sent);
    if (text.empty() || ec != std::errc() || ptr != end || sent < 0) {
        return public_error(ErrorCode::InvalidArgument, "malformed timestamp");
    }
    const std::int64_t skew = sent - to_unix_seconds(now);
    if (skew > window.count() || skew < -window.count()) {
        // The skew only in the log: it tells a caller how far off our clock is.
        return with_public_reason(
            make_error(ErrorCode::Unauthenticated, "timestamp outside the accepted window (" +
                                                       std::to_string(skew) + " s from our clock)"),
            "timestamp outside the accepted window");
    }
    return ok_status();
}

Error plaintext_refused() {
    return public_error(ErrorCode::Unauthenticated,
                        "plaintext request on a channel with a key (encrypt_type=aes required)");
}

}  // namespace

Result<std::string> verify_url(const config::Channel& channel, const wecom::MsgCrypt* crypt,
                               const HttpRequest& request) {
    auto params = parse_query(request);
    if (!params.ok()) return std::move(params).error();
    if (channel.kind == ChannelKind::Mp) {
        // Official Accounts echo echostr unchanged in every mode.
        if (auto q = check_mp_signature(channel, *params); !q.ok()) return std::move(q).error();
        auto echostr = params->get("echostr");
        if (!echostr) return public_error(ErrorCode::InvalidArgument, "missing echostr");
        return std::string(*echostr);
    }
    auto q = signed_query(*params, "msg_signature");
    if (!q.ok()) return std::move(q).error();
    auto echostr = params->get("echostr");
    if (!echostr || echostr->empty()) {
        return public_error(ErrorCode::InvalidArgument, "missing echostr",
                            static_cast<int>(wecom::CryptoCode::ParseEnvelope));
    }
    if (crypt == nullptr) return no_crypt();
    return crypt->verify_and_decrypt(q->signature, q->timestamp, q->nonce, *echostr);
}

Result<OpenedCallback> open_callback(const config::Channel& channel, const wecom::MsgCrypt* crypt,
                                     const HttpRequest& request,
                                     std::chrono::system_clock::time_point now,
                                     std::chrono::seconds timestamp_window) {
    auto params = parse_query(request);
    if (!params.ok()) return std::move(params).error();

    if (channel.kind == ChannelKind::Mp) {
        auto q = check_mp_signature(channel, *params);
        if (!q.ok()) return std::move(q).error();
        // In compatible and safe mode the platform always sends encrypt_type=aes. Without it the
        // request is plaintext mode, whose signature does not cover the body: on a channel with a
        // key that is a downgrade, taken only when the operator asked for it.
        if (params->get("encrypt_type").value_or("") != "aes") {
            if (channel.encrypted() && !channel.accept_plaintext) return plaintext_refused();
            if (auto fresh = check_timestamp(q->timestamp, now, timestamp_window); !fresh.ok()) {
                return std::move(fresh).error();
            }
            OpenedCallback opened{request.body, false, std::move(q->timestamp),
                                  std::move(q->nonce)};
            opened.body_signed = false;
            return opened;
        }
    }

    auto q = signed_query(*params, "msg_signature");
    if (!q.ok()) return std::move(q).error();
    auto encrypt = channel.kind == ChannelKind::AiBot ? wecom::extract_json_encrypt(request.body)
                                                      : wecom::extract_xml_encrypt(request.body);
    if (!encrypt.ok()) return std::move(encrypt).error();
    if (crypt == nullptr) return no_crypt();
    auto message = crypt->verify_and_decrypt(q->signature, q->timestamp, q->nonce, *encrypt);
    if (!message.ok()) return std::move(message).error();
    // After the signature: only a request we know the platform signed is judged by its time.
    if (auto fresh = check_timestamp(q->timestamp, now, timestamp_window); !fresh.ok()) {
        return std::move(fresh).error();
    }
    return OpenedCallback{std::move(message).value(), true, std::move(q->timestamp),
                          std::move(q->nonce)};
}

}  // namespace groupdesk::bot
