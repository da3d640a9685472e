// mask_secrets: a URL or a platform's answer made safe for a log line or an Error::message. The
// API calls carry credentials in their query strings, and a transport error can echo a URL.
#pragma once

#include <string>
#include <string_view>

namespace groupdesk::wecom {

// `text` with the value of every access_token=, key=, corpsecret= and secret= parameter replaced
// by "***", and the whole query of an AI-bot response_url (".../aibot/response?...") too, since
// that query is the one-shot credential. A value ends at '&', '#', a quote, '<', '>', a comma or
// whitespace.
std::string mask_secrets(std::string_view text);

}  // namespace groupdesk::wecom
