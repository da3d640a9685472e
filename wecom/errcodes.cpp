// The errcode classes (wecom-protocol.md §7).
#include "wecom/errcodes.h"

#include <algorithm>
#include <array>

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

bool is_token_error(int errcode) { return in(kTokenErrors, errcode); }

}  // namespace groupdesk::wecom
