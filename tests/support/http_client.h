// A minimal blocking HTTP/1.1 client for tests: one request per connection, loopback only.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace groupdesk::test {

struct ClientResponse {
    int status = 0;  // 0 when the connection failed or closed without an answer
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    std::string header(const std::string& name) const;  // case-insensitive, "" when absent
};

ClientResponse http_request(
    std::uint16_t port, const std::string& method, const std::string& target,
    const std::string& body = "", const std::string& content_type = "text/xml",
    const std::vector<std::pair<std::string, std::string>>& extra_headers = {});

}  // namespace groupdesk::test
