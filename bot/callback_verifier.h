// Verifies and opens platform callbacks: which query parameters each channel kind signs, and the
// order of the checks (signature before anything is decrypted; official order of §3 after that).
#pragma once

#include <string>

#include "common/http_types.h"
#include "common/result.h"
#include "config/config.h"
#include "wecom/crypto.h"

namespace groupdesk::bot {

// A callback whose signature verified and whose message is readable.
struct OpenedCallback {
    std::string message;    // the message XML (wecom, mp) or JSON (aibot)
    bool encrypted = false;  // the request was encrypted, so the answer must be too
    std::string timestamp;  // of the request, reused for the reply envelope
    std::string nonce;
};

// URL verification (GET): the body to answer with. Errors: Unauthenticated for a missing or
// wrong signature, InvalidArgument for a malformed query or echostr (detail: official code).
Result<std::string> verify_url(const config::Channel& channel, const wecom::MsgCrypt* crypt,
                               const HttpRequest& request);

// A message callback (POST). Errors as verify_url.
Result<OpenedCallback> open_callback(const config::Channel& channel, const wecom::MsgCrypt* crypt,
                                     const HttpRequest& request);

}  // namespace groupdesk::bot
