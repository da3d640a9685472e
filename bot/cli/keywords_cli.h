// `groupdesk keywords …`: the admin CLI for keyword auto-replies, a client of the running
// server's REST API (/api/v1/keywords). It holds no transport, so tests drive it with a fake.
#pragma once

#include <cstddef>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wecom/http_client.h"

namespace groupdesk::bot::cli {

// Reads an environment variable (GROUPDESK_API_TOKEN, COLUMNS); nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// `args` are the words after "keywords". Exit codes: 0 ok, 1 the server refused, 2 usage error,
// 3 the server cannot be reached. Results go to `out`, every error to `err`.
[[nodiscard]] int run_keywords_cli(const std::vector<std::string>& args, wecom::HttpClient& http,
                                   std::FILE* out, std::FILE* err, const EnvLookup& env);

// COLUMNS, kept to 60..400; 100 when unset or not a number. For the CLIs' tables.
[[nodiscard]] std::size_t terminal_width(const EnvLookup& env);

// The environment of this process.
[[nodiscard]] EnvLookup process_env();

}  // namespace groupdesk::bot::cli
