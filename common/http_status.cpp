// ErrorCode → HTTP status and public reason.
#include "common/http_status.h"

namespace groupdesk {

int http_status_for(ErrorCode code) noexcept {
    // One row per code reads as the table it is, so equal statuses stay on separate rows.
    // NOLINTBEGIN(bugprone-branch-clone)
    switch (code) {
        case ErrorCode::InvalidArgument:
            return 400;
        case ErrorCode::Unauthenticated:
            return 403;
        case ErrorCode::PermissionDenied:
            return 403;
        case ErrorCode::NotFound:
            return 404;
        case ErrorCode::AlreadyExists:
            return 409;
        case ErrorCode::FailedPrecondition:
            return 409;
        case ErrorCode::Aborted:
            return 409;
        case ErrorCode::ResourceExhausted:
            return 429;
        case ErrorCode::Unavailable:
            return 503;
        case ErrorCode::Internal:
            return 500;
    }
    // NOLINTEND(bugprone-branch-clone)
    return 500;
}

std::string_view public_reason(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::InvalidArgument:
            return "malformed request";
        case ErrorCode::Unauthenticated:
            return "not authenticated";
        case ErrorCode::PermissionDenied:
            return "permission denied";
        case ErrorCode::NotFound:
            return "not found";
        case ErrorCode::AlreadyExists:
            return "already exists";
        case ErrorCode::FailedPrecondition:
            return "not possible in the current state";
        case ErrorCode::Aborted:
            return "changed concurrently, retry";
        case ErrorCode::ResourceExhausted:
            return "limit exceeded";
        case ErrorCode::Unavailable:
            return "temporarily unavailable, retry";
        case ErrorCode::Internal:
            return "internal error";
    }
    return "internal error";
}

std::string_view public_reason(const Error& error) noexcept {
    return error.public_reason.empty() ? public_reason(error.code)
                                       : std::string_view(error.public_reason);
}

}  // namespace groupdesk
