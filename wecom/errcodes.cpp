// The errcode classes (wecom-protocol.md §7).
#include "wecom/errcodes.h"

#include <algorithm>
#include <array>
#include <string>

#include "common/log_text.h"
#include "wecom/mask_secrets.h"

namespace groupdesk::wecom {
namespace {

constexpr std::array<int, 4> kRetryable = {-1, 45009, 45011, 45033};
constexpr std::array<int, 3> kTokenErrors = {40001, 40014, 42001};
constexpr int kMissingToken = 41001;
constexpr std::array<int, 4> kDenied = {48002, 60011, 60020, 82001};

template <std::size_t N>
bool in(const std::array<int, N>& codes, int code) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

}  // namespace

ErrorCode errcode_class(int errcode) {
    if (in(kRetryable, errcode)) return ErrorCode::Unavailable;
    if (in(kTokenErrors, errcode) || errcode == kMissingToken) return ErrorCode::Unauthenticated;
    if (in(kDenied, errcode)) return ErrorCode::PermissionDenied;
    return ErrorCode::FailedPrecondition;
}

Error errcode_error(int errcode, std::string_view errmsg) {
    const std::string message = "errcode " + std::to_string(errcode) + ": " + std::string(errmsg);
    Error error = make_error(errcode_class(errcode), log_text(mask_secrets(message), 512), errcode);
    error.public_reason = error.code == ErrorCode::Unavailable ? "the platform is unavailable"
                                                               : "the platform refused the message";
    return error;
}

bool is_token_error(int errcode) { return in(kTokenErrors, errcode); }

}  // namespace groupdesk::wecom
