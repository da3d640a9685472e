// Plain HTTP request and response values: what the transport hands to endpoints and gets back.
// No Beast types here, so endpoints and their tests never compile the HTTP library.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace groupdesk {

struct HttpRequest {
    std::string method;  // upper case: "GET", "POST", ...
    std::string target;  // path and query as received: "/callback/corp-app?msg_signature=..."
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string remote_address;

    std::string_view path() const;   // target up to '?'
    std::string_view query() const;  // target after '?', empty when none
    // First header with this name (ASCII case-insensitive), empty when absent.
    std::string_view header(std::string_view name) const;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers

    // A plain-text answer. nosniff: a browser must not read an echoed value (the Official
    // Account's echostr is the caller's own text) as HTML.
    static HttpResponse text(int status, std::string body) {
        HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        r.headers.emplace_back("X-Content-Type-Options", "nosniff");
        return r;
    }
};

}  // namespace groupdesk
