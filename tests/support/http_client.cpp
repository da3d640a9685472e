// Blocking loopback HTTP client over POSIX sockets ("Connection: close", read to EOF).
#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

namespace groupdesk::test {

std::string ClientResponse::header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
        if (strcasecmp(key.c_str(), name.c_str()) == 0) return value;
    }
    return {};
}

ClientResponse http_request(std::uint16_t port, const std::string& method,
                            const std::string& target, const std::string& body,
                            const std::string& content_type,
                            const std::vector<std::pair<std::string, std::string>>& extra_headers) {
    ClientResponse response;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return response;
    timeval timeout{30, 0};  // a hung server fails the test instead of hanging it
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return response;
    }
    std::string request =
        method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Connection: close\r\n";
    for (const auto& [name, value] : extra_headers) {
        request.append(name).append(": ").append(value).append("\r\n");
    }
    if (!body.empty() || method == "POST") {
        request += "Content-Type: " + content_type +
                   "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    request += "\r\n" + body;
    for (std::size_t sent = 0; sent < request.size();) {
        ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
    }
    std::string raw;
    char buf[8192];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) raw.append(buf, std::size_t(n));
    ::close(fd);

    auto head_end = raw.find("\r\n\r\n");
    if (head_end == std::string::npos) return response;
    std::istringstream head(raw.substr(0, head_end));
    std::string line;
    std::getline(head, line);
    std::istringstream status_line(line);
    std::string version;
    status_line >> version >> response.status;
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        response.headers.emplace_back(line.substr(0, colon), value);
    }
    response.body = raw.substr(head_end + 4);
    return response;
}

}  // namespace groupdesk::test
