// Loads tests/data/vectors.json (copied into the repository so a clone tests on its own).
#include "tests/support/vectors.h"

#include <fstream>
#include <stdexcept>

namespace groupdesk::test {

const nlohmann::json& vectors() {
    static const nlohmann::json data = [] {
        std::ifstream in(std::string(GROUPDESK_TEST_DATA_DIR) + "/vectors.json");
        if (!in) throw std::runtime_error("cannot open tests/data/vectors.json");
        return nlohmann::json::parse(in);
    }();
    return data;
}

const nlohmann::json& vector_by_id(const std::string& id) {
    for (const char* section :
         {"official", "positive", "mp_plaintext", "passive_replies", "negative"}) {
        for (const auto& v : vectors().at(section)) {
            if (v.at("id") == id) return v;
        }
    }
    throw std::out_of_range("no test vector " + id);
}

std::vector<unsigned char> from_hex(const std::string& hex) {
    if (hex.size() % 2 != 0) throw std::invalid_argument("odd hex length");
    std::vector<unsigned char> out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        out.push_back(static_cast<unsigned char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
}

}  // namespace groupdesk::test
