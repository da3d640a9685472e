// CurlHttpClient: HttpClient over libcurl, with TLS verification on and no signals.
#pragma once

#include "wecom/http_client.h"

namespace groupdesk::wecom {

// One easy handle per call: the calls are a few a second at most, so a pool would buy nothing
// and a handle shared across threads would need a lock around the whole call.
class CurlHttpClient final : public HttpClient {
public:
    // Runs curl_global_init once for the process (it is not thread-safe itself).
    CurlHttpClient();

    [[nodiscard]] Result<HttpResult> post(std::string_view url, std::string_view content_type,
                                          std::string_view body,
                                          const HttpTimeouts& timeouts) override;
    [[nodiscard]] Result<HttpResult> get(std::string_view url,
                                         const HttpTimeouts& timeouts) override;
    [[nodiscard]] Result<HttpResult> request(const HttpRequest& request,
                                             const HttpTimeouts& timeouts) override;
};

}  // namespace groupdesk::wecom
