// libcurl behind HttpClient: the only file that includes curl.
#include "wecom/curl_http_client.h"

#include <curl/curl.h>

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

namespace groupdesk::wecom {
namespace {

struct Sink {
    std::size_t max_body = 0;  // an answer bigger than asked for must not fill memory
    std::string body;
    bool too_big = false;
};

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t n = size * count;
    if (sink->body.size() + n > sink->max_body) {
        sink->too_big = true;
        return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
    sink->body.append(data, n);
    return n;
}

struct EasyDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

Error transport_error(const std::string& reason) {
    return make_error(ErrorCode::Unavailable, "transport: " + reason, 0);
}

const char* method_name(HttpMethod method) {
    switch (method) {
        case HttpMethod::Get:
            return "GET";
        case HttpMethod::Post:
            return "POST";
        case HttpMethod::Patch:
            return "PATCH";
        case HttpMethod::Delete:
            return "DELETE";
    }
    return "GET";
}

Result<HttpResult> perform(const HttpRequest& request, const HttpTimeouts& timeouts) {
    std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
    if (!curl) return transport_error("curl_easy_init failed");
    Sink sink;
    sink.max_body = request.max_body;
    char reason[CURL_ERROR_SIZE] = {};
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    // Only HTTP is ever meant; any other scheme in a URL is a mistake.
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    // Timeouts through signals would hit other threads; the threaded resolver needs none.
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeouts.connect.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts.total.count()));
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, reason);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    curl_slist* list = nullptr;
    for (const auto& header : request.headers) {
        list = curl_slist_append(list, (header.name + ": " + header.value).c_str());
    }
    // No "Expect: 100-continue" round trip for a small body.
    list = curl_slist_append(list, "Expect:");
    const std::unique_ptr<curl_slist, ListDeleter> headers(list);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    const bool has_body = request.method == HttpMethod::Post || request.method == HttpMethod::Patch;
    if (has_body) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
    }
    if (request.method == HttpMethod::Patch || request.method == HttpMethod::Delete) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method_name(request.method));
    }
    const CURLcode code = curl_easy_perform(h);
    if (sink.too_big) {
        return transport_error("answer larger than " + std::to_string(request.max_body) + " bytes");
    }
    if (code != CURLE_OK) {
        return transport_error(reason[0] != '\0' ? std::string(reason)
                                                 : std::string(curl_easy_strerror(code)));
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    return HttpResult{static_cast<int>(status), std::move(sink.body)};
}

}  // namespace

CurlHttpClient::CurlHttpClient() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<HttpResult> CurlHttpClient::post(std::string_view url, std::string_view content_type,
                                        std::string_view body, const HttpTimeouts& timeouts) {
    HttpRequest call;
    call.method = HttpMethod::Post;
    call.url = url;
    call.headers.push_back({"Content-Type", std::string(content_type)});
    call.body = body;
    return perform(call, timeouts);
}

Result<HttpResult> CurlHttpClient::get(std::string_view url, const HttpTimeouts& timeouts) {
    HttpRequest call;
    call.url = url;
    return perform(call, timeouts);
}

Result<HttpResult> CurlHttpClient::request(const HttpRequest& request,
                                           const HttpTimeouts& timeouts) {
    return perform(request, timeouts);
}

}  // namespace groupdesk::wecom
