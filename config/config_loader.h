// Loads the JSON config, applies GROUPDESK_<CHANNEL>_<FIELD> environment overrides and validates
// everything before the server binds. It collects every error instead of stopping at the first.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace groupdesk::config {

// Reads one environment variable; injected so that tests need not touch the real environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

struct LoadResult {
    std::optional<Config> config;     // set when there are no errors
    std::vector<std::string> errors;  // "groupdesk.json: channels[1].encoding_aes_key: must be …"
};

LoadResult load_config_text(std::string_view json_text, const std::string& source,
                            const EnvLookup& env);
LoadResult load_config_file(const std::string& path, const EnvLookup& env);

// The shipped example config (config/groupdesk.example.json), compiled in for `make run`.
std::string_view embedded_default_config();

}  // namespace groupdesk::config
