// The ErrorCode → HTTP table: every code has a status and a public reason, and an error's own
// public reason wins over the code's.
#include "common/http_status.h"

#include <gtest/gtest.h>

namespace groupdesk {
namespace {

constexpr ErrorCode kAll[] = {
    ErrorCode::InvalidArgument,   ErrorCode::Unauthenticated, ErrorCode::PermissionDenied,
    ErrorCode::NotFound,          ErrorCode::AlreadyExists,   ErrorCode::FailedPrecondition,
    ErrorCode::Aborted,           ErrorCode::ResourceExhausted, ErrorCode::Unavailable,
    ErrorCode::Internal,
};

TEST(HttpStatusTest, EveryCodeHasAStatusAndAReason) {
    for (ErrorCode code : kAll) {
        const int status = http_status_for(code);
        EXPECT_GE(status, 400) << to_string(code);
        EXPECT_LT(status, 600) << to_string(code);
        EXPECT_FALSE(public_reason(code).empty()) << to_string(code);
        EXPECT_EQ(public_reason(code).find('\n'), std::string_view::npos) << to_string(code);
    }
}

TEST(HttpStatusTest, KnownStatuses) {
    EXPECT_EQ(http_status_for(ErrorCode::InvalidArgument), 400);
    EXPECT_EQ(http_status_for(ErrorCode::Unauthenticated), 403);
    EXPECT_EQ(http_status_for(ErrorCode::PermissionDenied), 403);
    EXPECT_EQ(http_status_for(ErrorCode::NotFound), 404);
    EXPECT_EQ(http_status_for(ErrorCode::AlreadyExists), 409);
    EXPECT_EQ(http_status_for(ErrorCode::Aborted), 409);
    EXPECT_EQ(http_status_for(ErrorCode::ResourceExhausted), 429);
    EXPECT_EQ(http_status_for(ErrorCode::Unavailable), 503);
    EXPECT_EQ(http_status_for(ErrorCode::Internal), 500);
}

TEST(HttpStatusTest, NewCodesHaveNames) {
    EXPECT_EQ(to_string(ErrorCode::AlreadyExists), "already_exists");
    EXPECT_EQ(to_string(ErrorCode::PermissionDenied), "permission_denied");
}

TEST(HttpStatusTest, TheMessageIsNeverThePublicReason) {
    Error error = make_error(ErrorCode::Unavailable, "/var/lib/groupdesk/dedup.db: disk I/O error");
    EXPECT_EQ(public_reason(error), "temporarily unavailable, retry");
}

TEST(HttpStatusTest, AnExplicitPublicReasonWins) {
    Error error = with_public_reason(make_error(ErrorCode::Unauthenticated, "skew 3601 s"),
                                     "timestamp outside the accepted window");
    EXPECT_EQ(public_reason(error), "timestamp outside the accepted window");
    EXPECT_EQ(error.message, "skew 3601 s");
}

}  // namespace
}  // namespace groupdesk
