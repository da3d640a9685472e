// `groupdesk conversations …`: the Official Account users whose 48-hour reply window is open, for
// agents at a terminal — a client of the running server's REST API (/api/v1/conversations). It
// holds no transport, so tests drive it with a fake.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "bot/cli/keywords_cli.h"
#include "wecom/http_client.h"

namespace groupdesk::bot::cli {

// `args` are the words after "conversations". Exit codes: 0 ok, 1 the server refused, 2 usage
// error, 3 the server cannot be reached. Results go to `out`, every error to `err`.
[[nodiscard]] int run_conversations_cli(const std::vector<std::string>& args,
                                        wecom::HttpClient& http, std::FILE* out, std::FILE* err,
                                        const EnvLookup& env);

}  // namespace groupdesk::bot::cli
