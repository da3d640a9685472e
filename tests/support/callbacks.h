// Builds signed platform callbacks and opens GroupDesk's encrypted answers, the way WeCom, the
// Official Account platform and the AI bot do.
#pragma once

#include <string>

#include "config/config.h"

namespace groupdesk::test {

struct CallbackRequest {
    std::string target;  // "/callback/<name>?…"
    std::string body;
    std::string content_type;
};

// A POST callback carrying `plaintext` (message XML or JSON), encrypted and signed for `channel`
// (for mp: safe mode, plus the plain signature and openid).
CallbackRequest encrypted_callback(const config::Channel& channel, const std::string& plaintext,
                                   const std::string& timestamp, const std::string& nonce);

// An Official Account plaintext-mode POST.
CallbackRequest plaintext_callback(const config::Channel& channel, const std::string& plaintext,
                                   const std::string& timestamp, const std::string& nonce);

// Verifies the reply envelope's signature and decrypts it; throws std::runtime_error with the
// reason when anything does not check out.
std::string open_reply(const config::Channel& channel, const std::string& body);

// Text between `open` and the next `close`, "" when absent.
std::string between(const std::string& text, const std::string& open, const std::string& close);

}  // namespace groupdesk::test
