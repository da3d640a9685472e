// Request routing and the two operational endpoints.
#include "bot/router.h"

#include <spdlog/spdlog.h>

#include "common/log_text.h"

namespace groupdesk::bot {
namespace {

constexpr std::string_view kCallbackPrefix = "/callback/";

HttpResponse method_not_allowed(std::string allow) {
    auto response = HttpResponse::text(405, "method not allowed\n");
    response.headers.emplace_back("Allow", std::move(allow));
    return response;
}

}  // namespace

Router::Router(HealthCheck health, const Metrics& metrics)
    : health_(std::move(health)), metrics_(metrics) {}

void Router::add_callback(std::unique_ptr<CallbackEndpoint> endpoint) {
    std::string name = endpoint->channel().name;
    callbacks_.emplace(std::move(name), std::move(endpoint));
}

void Router::handle(HttpRequest request, Respond respond) {
    const std::string_view path = request.path();
    if (path.starts_with(kCallbackPrefix)) {
        auto it = callbacks_.find(std::string(path.substr(kCallbackPrefix.size())));
        if (it == callbacks_.end()) {
            spdlog::info("request {} {} status=404 reason=unknown channel",
                         log_text(request.method, 32), log_text(path));
            return respond(HttpResponse::text(404, "unknown channel\n"));
        }
        return it->second->handle(request, std::move(respond));
    }
    if (path == "/healthz") {
        if (request.method != "GET") return respond(method_not_allowed("GET"));
        Status status = health_();
        if (!status.ok()) {
            spdlog::warn("healthz failing: {}", status.error().message);
            // One short line saying what is wrong (the reasons carry no paths or secrets).
            return respond(HttpResponse::text(503, "unhealthy: " + status.error().message + "\n"));
        }
        return respond(HttpResponse::text(200, "ok\n"));
    }
    if (path == "/metrics") {
        if (request.method != "GET") return respond(method_not_allowed("GET"));
        HttpResponse response = HttpResponse::text(200, metrics_.render());
        response.content_type = "text/plain; version=0.0.4; charset=utf-8";
        return respond(std::move(response));
    }
    spdlog::info("request {} {} status=404", log_text(request.method, 32), log_text(path));
    respond(HttpResponse::text(404, "not found\n"));
}

}  // namespace groupdesk::bot
