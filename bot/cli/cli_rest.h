// One REST call of the admin CLI to the running server, and how its failures are told: a refusal
// prints the server's message and every problem, an unreachable server says so.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "wecom/http_client.h"

namespace groupdesk::bot::cli {

enum ExitCode : int { kExitOk = 0, kExitRefused = 1, kExitUsage = 2, kExitUnreachable = 3 };

struct CliContext {
    wecom::HttpClient& http;
    std::string server;  // "http://host:port", no trailing slash
    std::string token;   // sent as a bearer token, never printed
    std::FILE* out;
    std::FILE* err;
    std::string_view command = "groupdesk keywords";  // names the CLI in its error lines
};

struct Answer {
    int exit_code = kExitOk;  // kExitOk only for a 2xx status
    int status = 0;
    std::string body;
};

// Sends `body` (JSON) for POST and PATCH. On failure the reason is already on ctx.err.
[[nodiscard]] Answer call_server(const CliContext& ctx, wecom::HttpMethod method,
                                 std::string_view path, std::string body = {});

// The lines a non-2xx answer prints: the server's message, then "row N: field: reason" for each
// problem of an import (or "field: reason" for a single rule).
[[nodiscard]] std::string refusal_text(int status, std::string_view body,
                                       std::string_view command = "groupdesk keywords");

// The server of `--server` (nullptr: http://127.0.0.1:8080) without a trailing slash; nullopt
// when it is no http:// or https:// URL.
[[nodiscard]] std::optional<std::string> server_url(const std::string* option);

// Writes `text` to `to`, adding the final newline a JSON body usually lacks.
void print_body(std::FILE* to, std::string_view text);

}  // namespace groupdesk::bot::cli
