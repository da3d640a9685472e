// The one table from ErrorCode to HTTP status. 4xx answers only requests that failed
// verification or are malformed: the platform retries anything but a 200.
#pragma once

#include "common/result.h"

namespace groupdesk::bot {

constexpr int http_status_for(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::InvalidArgument: return 400;
        case ErrorCode::Unauthenticated: return 403;
        case ErrorCode::NotFound: return 404;
        case ErrorCode::FailedPrecondition: return 409;
        case ErrorCode::ResourceExhausted: return 429;
        case ErrorCode::Unavailable: return 503;
        case ErrorCode::Internal: return 500;
    }
    return 500;
}

}  // namespace groupdesk::bot
