// Result<T>: a value or an Error. Failure is normal traffic here (bad signatures, retries, rate
// limits), so it is a return type the caller must look at, not an exception.
#pragma once

#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace groupdesk {

// A small shared vocabulary (after absl::StatusCode). common/http_status.h maps it to HTTP in
// one table; the outbox reads Unavailable as "retry later" and everything else as "give up".
enum class ErrorCode {
    InvalidArgument,     // the input is malformed: do not retry the same input
    Unauthenticated,     // a signature or credential did not verify
    PermissionDenied,    // the caller is known but may not do this
    NotFound,            // the thing asked for does not exist
    AlreadyExists,       // the thing to create exists already
    FailedPrecondition,  // the state does not allow this now (e.g. reply window closed)
    Aborted,             // a concurrent change won: read again, decide again, then retry
    ResourceExhausted,   // a quota or a size limit was hit
    Unavailable,         // a transient failure: the caller may retry the same call
    Internal,            // a bug or an invariant broken
};

std::string_view to_string(ErrorCode code) noexcept;

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;  // for the log line; never shown to the caller as is
    int detail = 0;       // official crypto code (-400xx) or platform errcode, 0 when none
    // What the caller may be told, when more useful than the code's fixed reason. Only ever a
    // fixed string: nothing from an exception, a path, SQLite or OpenSSL goes here.
    std::string public_reason;
    // The input field at fault (an API body's "priority", say), when one is.
    std::string field;
};

inline Error make_error(ErrorCode code, std::string message, int detail = 0) {
    return Error{code, std::move(message), detail, {}, {}};
}

// An InvalidArgument about one input field; `reason` is fixed text the caller may see.
inline Error field_error(std::string_view field, std::string_view reason) {
    Error error =
        make_error(ErrorCode::InvalidArgument, std::string(field) + ": " + std::string(reason));
    error.public_reason = std::string(reason);
    error.field = std::string(field);
    return error;
}

// `error` with a fixed reason the caller may see (see Error::public_reason).
inline Error with_public_reason(Error error, std::string_view reason) {
    error.public_reason = std::string(reason);
    return error;
}

template <class T>
class [[nodiscard]] Result {
public:
    Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}
    // The requires-clause keeps this from hiding the copy and move constructors (clang-tidy 14
    // reads only enable_if, hence the NOLINT).
    template <class U = T>
    requires std::constructible_from<T, U&&> &&(!std::same_as<std::remove_cvref_t<U>, Error>)&&(
        !std::same_as<std::remove_cvref_t<U>, Result>)
        // NOLINTNEXTLINE(bugprone-forwarding-reference-overload): constrained above
        Result(U&& value)
        : data_(std::in_place_index<0>, std::forward<U>(value)) {}

    bool ok() const noexcept { return data_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(data_); }
    const T& value() const& { return std::get<0>(data_); }
    T&& value() && { return std::get<0>(std::move(data_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const& { return std::get<1>(data_); }
    Error&& error() && { return std::get<1>(std::move(data_)); }

private:
    std::variant<T, Error> data_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}

    bool ok() const noexcept { return !error_.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    const Error& error() const& { return *error_; }
    Error&& error() && { return std::move(*error_); }

private:
    std::optional<Error> error_;
};

using Status = Result<void>;

inline Status ok_status() { return Status{}; }

}  // namespace groupdesk
