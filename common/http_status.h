// The one table from ErrorCode to an HTTP status and a short public reason, for every module
// that answers over HTTP. 4xx answers only requests that failed verification or are malformed:
// the platform retries anything but a 200.
#pragma once

#include <string_view>

#include "common/result.h"

namespace groupdesk {

int http_status_for(ErrorCode code) noexcept;

// A short fixed reason per code: what a response body says when the error has no public reason
// of its own. Never Error::message, which may carry paths, SQLite or OpenSSL text.
std::string_view public_reason(ErrorCode code) noexcept;

// The error's own public reason when it has one, else the code's.
std::string_view public_reason(const Error& error) noexcept;

}  // namespace groupdesk
