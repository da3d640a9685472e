// Verifies and opens platform callbacks: which query parameters each channel kind signs, and the
// order of the checks (signature before anything is decrypted; official order of §3 after that).
#pragma once

#include <chrono>
#include <string>

#include "common/http_types.h"
#include "common/result.h"
#include "config/config.h"
#include "wecom/crypto.h"

namespace groupdesk::bot {

// A callback whose signature verified and whose message is readable.
struct OpenedCallback {
    std::string message;     // the message XML (wecom, mp) or JSON (aibot)
    bool encrypted = false;  // the request was encrypted, so the answer must be too
    std::string timestamp;   // of the request, reused for the reply envelope
    std::string nonce;
    // The signature covered the message (msg_signature over the ciphertext). False in an
    // Official Account's plaintext mode, where `signature` covers token, timestamp and nonce
    // only: anyone who saw one query string can pair it with another body.
    bool body_signed = true;
};

// URL verification (GET): the body to answer with. Errors: Unauthenticated for a missing or
// wrong signature, InvalidArgument for a malformed query or echostr (detail: official code).
Result<std::string> verify_url(const config::Channel& channel, const wecom::MsgCrypt* crypt,
                               const HttpRequest& request);

// A message callback (POST). Errors as verify_url, and Unauthenticated for a plaintext request
// on an mp channel with a key (unless it accepts plaintext) and for a signed timestamp further
// than `timestamp_window` from `now` (a replay).
Result<OpenedCallback> open_callback(const config::Channel& channel, const wecom::MsgCrypt* crypt,
                                     const HttpRequest& request,
                                     std::chrono::system_clock::time_point now,
                                     std::chrono::seconds timestamp_window);

}  // namespace groupdesk::bot
