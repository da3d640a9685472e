// The REST API's answers and small readers shared by its routes: JSON responses, error bodies,
// ids in paths, opaque cursors.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/http_types.h"
#include "common/query_string.h"
#include "common/result.h"

namespace groupdesk::api::details {

HttpResponse json_response(int status, std::string body);
HttpResponse error_response(int status, std::string_view code, std::string_view message,
                            std::string_view field = {});
// The status and code for `error`, its public reason as the message.
HttpResponse error_response(const Error& error);
// An InvalidArgument with a reason the caller may see; naming `field` when not empty.
Error invalid(std::string_view field, const std::string& reason);
// An id or number in a path or a query: 1..18 digits, not 0.
std::optional<std::int64_t> parse_number(std::string_view text);
// The first parameter of `params` whose name is not in `known` (a misspelt filter must not
// silently list everything); nullopt when all are known. A pair without a name ("=x") is unknown.
std::optional<std::string> unknown_parameter(const QueryParams& params,
                                             std::span<const std::string_view> known);
// "application/json", any parameters ("; charset=utf-8") and case aside.
bool is_json(std::string_view content_type);
// The refusal of a request body: 413 over `max_bytes` (said in KiB), 415 when not JSON; nullopt
// when it may be read.
std::optional<HttpResponse> refuse_body(const HttpRequest& request, std::size_t max_bytes);
// Cursors are opaque to clients: base64url of "after:<n>", so that their form may change.
std::string encode_cursor(std::int64_t after);
std::optional<std::int64_t> decode_cursor(std::string_view cursor);

}  // namespace groupdesk::api::details
