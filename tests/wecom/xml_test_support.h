// Helpers shared by the XML codec tests: reading a tag without tinyxml2, and the channel kind
// of a vector.
#pragma once

#include <optional>
#include <regex>
#include <string>

#include "config/config.h"
#include "tests/support/vectors.h"  // nlohmann::json, for the vectors

namespace groupdesk::test {

// An oracle independent of tinyxml2: the text of <tag>, CDATA or not.
inline std::optional<std::string> tag(const std::string& xml, const std::string& name) {
    const std::regex re("<" + name + R"(>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))</)" + name + ">");
    std::smatch m;
    if (!std::regex_search(xml, m, re)) return std::nullopt;
    return m[1].matched ? m[1].str() : m[2].str();
}

inline config::ChannelKind kind_of(const nlohmann::json& v) {
    return v.at("kind") == "mp" ? config::ChannelKind::Mp : config::ChannelKind::WeCom;
}

}  // namespace groupdesk::test
