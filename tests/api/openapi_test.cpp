// Keeps docs/openapi.yaml and the API in step: every route TicketsApi serves (with the keyword
// and conversation routes it mounts) is described, and every path and method described is
// served. A small line reader of the `paths:` section; no YAML library.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <utility>

#include "api/conversations_api.h"
#include "api/keywords_api.h"
#include "api/tickets_api.h"

namespace groupdesk::api {
namespace {

using Pair = std::pair<std::string, std::string>;  // (METHOD, path)

// (method, path) under `paths:`: paths at two spaces of indent, methods at four.
std::set<Pair> described_routes(const std::string& file) {
    static const std::set<std::string> kMethods = {"get",   "put",     "post", "delete",
                                                   "patch", "options", "head", "trace"};
    std::ifstream in(file);
    std::set<Pair> routes;
    std::string line;
    std::string path;
    bool in_paths = false;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.find_first_not_of(' ') == std::string::npos) continue;
        if (line[0] != ' ' && line[0] != '#') {
            in_paths = line == "paths:";
            continue;
        }
        if (!in_paths || line.back() != ':') continue;
        if (line.starts_with("  /")) {
            path = line.substr(2, line.size() - 3);
            if (path.size() > 1 && path.front() == '"') path = path.substr(1, path.size() - 2);
        } else if (line.starts_with("    ") && line[4] != ' ' && !path.empty()) {
            std::string method = line.substr(4, line.size() - 5);
            if (kMethods.count(method) == 0) continue;
            for (auto& c : method) c = char(c - 'a' + 'A');
            routes.emplace(method, path);
        }
    }
    return routes;
}

TEST(OpenApi, DescribesExactlyTheRoutesServed) {
    const std::set<Pair> described = described_routes(GROUPDESK_SOURCE_DIR "/docs/openapi.yaml");
    ASSERT_FALSE(described.empty()) << "no paths read from docs/openapi.yaml";
    std::set<Pair> served;
    for (const auto* table :
         {&TicketsApi::routes(), &KeywordsApi::routes(), &ConversationsApi::routes()}) {
        for (const Route& r : *table) served.emplace(std::string(r.method), std::string(r.path));
    }
    for (const Pair& p : served) {
        EXPECT_TRUE(described.count(p)) << p.first << " " << p.second << " is not in openapi.yaml";
    }
    for (const Pair& p : described) {
        EXPECT_TRUE(served.count(p)) << p.first << " " << p.second << " is described, not served";
    }
}

}  // namespace
}  // namespace groupdesk::api
