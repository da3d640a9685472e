// HttpClient: the HTTP calls the platform API client and the admin CLI need, as an interface, so
// that neither holds a transport and libcurl stays in curl_http_client.cpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace groupdesk::wecom {

struct HttpTimeouts {
    std::chrono::milliseconds connect{3000};
    std::chrono::milliseconds total{10000};  // the whole call, connecting included
};

enum class HttpMethod { Get, Post, Patch, Delete };

struct HttpHeader {
    std::string name;
    std::string value;
};

// A request with any method and headers: the admin CLI speaks REST to the running server.
struct HttpRequest {
    HttpMethod method = HttpMethod::Get;
    std::string url;
    std::vector<HttpHeader> headers;  // may carry a secret: implementations never log them
    std::string body;                 // sent for POST and PATCH
    std::size_t max_body = std::size_t{1} << 20;  // a longer answer is a transport error
};

struct HttpResult {
    int status = 0;
    std::string body;
};

// Implementations are safe to call from several threads at once. Any HTTP status is a result;
// only a transport failure (DNS, connect, TLS, timeout) is an Error, Unavailable with the reason.
class HttpClient {
public:
    virtual ~HttpClient() = default;
    [[nodiscard]] virtual Result<HttpResult> post(std::string_view url,
                                                  std::string_view content_type,
                                                  std::string_view body,
                                                  const HttpTimeouts& timeouts) = 0;
    [[nodiscard]] virtual Result<HttpResult> get(std::string_view url,
                                                 const HttpTimeouts& timeouts) = 0;
    [[nodiscard]] virtual Result<HttpResult> request(const HttpRequest& request,
                                                     const HttpTimeouts& timeouts) = 0;
};

}  // namespace groupdesk::wecom
