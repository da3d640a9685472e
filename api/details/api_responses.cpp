// JSON responses, error bodies, path numbers and cursors of the REST API.
#include "api/details/api_responses.h"

#include <algorithm>
#include <charconv>

#include "api/details/json_views.h"
#include "common/ascii.h"
#include "common/http_status.h"

namespace groupdesk::api::details {

HttpResponse json_response(int status, std::string body) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/json";
    r.body = std::move(body);
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Cache-Control", "no-store");  // tickets are not for shared caches
    return r;
}

HttpResponse error_response(int status, std::string_view code, std::string_view message,
                            std::string_view field) {
    return json_response(status, details::error_body(code, message, field));
}

HttpResponse error_response(const Error& error) {
    int status = http_status_for(error.code);
    if (error.code == ErrorCode::Unauthenticated) status = 401;
    return error_response(status, to_string(error.code), public_reason(error), error.field);
}

Error invalid(std::string_view field, const std::string& reason) {
    return field.empty()
               ? with_public_reason(make_error(ErrorCode::InvalidArgument, reason), reason)
               : field_error(field, reason);
}

// A ticket number in a path: 1..18 digits, not 0.
std::optional<std::int64_t> parse_number(std::string_view text) {
    if (text.empty() || text.size() > 18 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    std::int64_t n = 0;
    std::from_chars(text.data(), text.data() + text.size(), n);
    return n > 0 ? std::optional(n) : std::nullopt;
}

// "application/json", any parameters ("; charset=utf-8") and case aside.
std::optional<std::string> unknown_parameter(const QueryParams& params,
                                             std::span<const std::string_view> known) {
    for (const auto name : params.names()) {
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            return std::string(name);
        }
    }
    return std::nullopt;
}

bool is_json(std::string_view content_type) {
    content_type = content_type.substr(0, content_type.find(';'));
    while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
    return ascii_iequals(content_type, "application/json");
}

std::optional<HttpResponse> refuse_body(const HttpRequest& request, std::size_t max_bytes) {
    if (request.body.size() > max_bytes) {
        return error_response(
            413, "payload_too_large",
            "the body is larger than " + std::to_string(max_bytes / 1024) + " KiB");
    }
    if (!is_json(request.header("Content-Type"))) {
        return error_response(415, "unsupported_media_type", "the body must be application/json");
    }
    return std::nullopt;
}

// The cursor is opaque to clients: base64url of "after:<number>", so that its form may change.
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode_cursor(std::int64_t after) {
    const std::string text = "after:" + std::to_string(after);
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (const unsigned char c : text) {
        bits = (bits << 8) | c;
        count += 8;
        while (count >= 6) out += kAlphabet[(bits >> (count -= 6)) & 0x3f];
    }
    if (count > 0) out += kAlphabet[(bits << (6 - count)) & 0x3f];
    return out;
}

std::optional<std::int64_t> decode_cursor(std::string_view cursor) {
    std::string text;
    unsigned bits = 0;
    int count = 0;
    for (const char c : cursor) {
        const auto at = kAlphabet.find(c);
        if (at == std::string_view::npos) return std::nullopt;
        bits = (bits << 6) | unsigned(at);
        count += 6;
        if (count >= 8) text += char((bits >> (count -= 8)) & 0xff);
    }
    if (!std::string_view(text).starts_with("after:")) return std::nullopt;
    const auto n = parse_number(std::string_view(text).substr(6));
    // Only the one spelling encode_cursor() writes is accepted.
    if (!n || encode_cursor(*n) != cursor) return std::nullopt;
    return n;
}

}  // namespace groupdesk::api::details
