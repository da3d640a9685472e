// Names of the error codes, as they appear in logs and admin API bodies.
#include "common/result.h"

namespace groupdesk {

std::string_view to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::InvalidArgument:
            return "invalid_argument";
        case ErrorCode::Unauthenticated:
            return "unauthenticated";
        case ErrorCode::PermissionDenied:
            return "permission_denied";
        case ErrorCode::NotFound:
            return "not_found";
        case ErrorCode::AlreadyExists:
            return "already_exists";
        case ErrorCode::FailedPrecondition:
            return "failed_precondition";
        case ErrorCode::Aborted:
            return "aborted";
        case ErrorCode::ResourceExhausted:
            return "resource_exhausted";
        case ErrorCode::Unavailable:
            return "unavailable";
        case ErrorCode::Internal:
            return "internal";
    }
    return "internal";
}

}  // namespace groupdesk
