// HttpClient: the one HTTP call the platform API client needs, as an interface, so that the API
// client holds no transport and libcurl stays in curl_http_client.cpp.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace groupdesk::wecom {

struct HttpTimeouts {
    std::chrono::milliseconds connect{3000};
    std::chrono::milliseconds total{10000};  // the whole call, connecting included
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
};

}  // namespace groupdesk::wecom
