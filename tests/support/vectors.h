// Access to tests/data/vectors.json, the official and extra protocol test vectors.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace groupdesk::test {

// The whole file, parsed once.
const nlohmann::json& vectors();

// The vector with this "id" in any section; throws std::out_of_range when absent.
const nlohmann::json& vector_by_id(const std::string& id);

// Bytes from a hex string ("0a1b…").
std::vector<unsigned char> from_hex(const std::string& hex);

}  // namespace groupdesk::test
