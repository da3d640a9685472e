// Helpers shared by the config loader tests: the demo channel values, small documents and a
// check that a document breaks exactly one rule.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "config/config_loader.h"

namespace groupdesk::test {

// The demo channel values of the "channels" section of tests/data/vectors.json.
inline constexpr const char* kWeComToken = "GroupDeskWeComToken2026";
inline constexpr const char* kWeComKey = "lKRAqMwOrg1RbhWggwIFK0PAQ479hMozW3haoCZqB8E";
inline constexpr const char* kCorpId = "ww3f8a2b1c4d5e6f70";
inline constexpr const char* kMpToken = "GroupDeskMpToken2026";
inline constexpr const char* kMpKey = "3nVrx2zzilnhlUG6WX3yAQeuVrTJTdSZaDMfgq9gOOk";
inline constexpr const char* kAppId = "wx8b2c4d6e8f0a1b3c";
inline constexpr const char* kBotToken = "GroupDeskBotToken2026";
inline constexpr const char* kBotKey = "NNjFicuyDfOU7ZsVwORSCvVE3KuLtbAbzG71yDjDFKM";

// A valid wecom channel, for documents that test something else.
inline const std::string kGoodChannel =
    R"({"name": "corp-app", "kind": "wecom", "token": "tok", "receive_id": "ww1",
        "encoding_aes_key": "lKRAqMwOrg1RbhWggwIFK0PAQ479hMozW3haoCZqB8E"})";

inline config::EnvLookup no_env() {
    return [](const std::string&) { return std::optional<std::string>(); };
}

inline config::LoadResult load(const std::string& text, const config::EnvLookup& env = no_env()) {
    return config::load_config_text(text, "test.json", env);
}

// A document with these extra top-level members and one good channel.
inline std::string with_top(const std::string& members) {
    return "{" + members + ", \"channels\": [" + kGoodChannel + "]}";
}

// A document with only these channels.
inline std::string with_channels(const std::string& channels) {
    return "{\"channels\": [" + channels + "]}";
}

inline std::string key_of(char c, std::size_t n = 43) { return std::string(n, c); }

// One rule broken per document; the loader must report exactly this message.
struct Case {
    std::string json;
    std::string error;  // without the "test.json: " prefix
};

inline void expect_single_errors(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
        SCOPED_TRACE(c.json);
        const config::LoadResult result = load(c.json);
        EXPECT_THAT(result.errors, ::testing::ElementsAre("test.json: " + c.error));
        EXPECT_FALSE(result.config.has_value());
    }
}

}  // namespace groupdesk::test
