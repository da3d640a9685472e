// /healthz, /metrics and the /callback/ mount.
#include "bot/endpoints.h"

#include <spdlog/spdlog.h>

#include <string>
#include <unordered_map>

#include "common/http_status.h"
#include "common/log_text.h"

namespace groupdesk::bot {

Endpoint health_endpoint(HealthCheck health) {
    return [health = std::move(health)](const HttpRequest&, const Respond& respond) {
        Status status = health();
        if (!status.ok()) {
            spdlog::warn("healthz failing: {}", status.error().message);
            // One short line saying what is wrong; the SQLite text stays in the log.
            std::string reason(public_reason(status.error()));
            return respond(HttpResponse::text(503, "unhealthy: " + reason + "\n"));
        }
        respond(HttpResponse::text(200, "ok\n"));
    };
}

Endpoint metrics_endpoint(const Metrics& metrics) {
    return [&metrics](const HttpRequest&, const Respond& respond) {
        HttpResponse response = HttpResponse::text(200, metrics.render());
        response.content_type = "text/plain; version=0.0.4; charset=utf-8";
        respond(std::move(response));
    };
}

Endpoint on_workers(BlockingEndpoint endpoint, WorkQueue& workers) {
    auto shared = std::make_shared<BlockingEndpoint>(std::move(endpoint));
    return [shared, &workers](HttpRequest request, const Respond& respond) {
        const std::string line = log_text(request.method, 32) + " " + log_text(request.path());
        auto task = [shared, request = std::move(request), respond]() {
            respond((*shared)(request));
        };
        if (workers.submit(std::move(task))) return;
        spdlog::warn("request {} status=503 reason=workers busy", line);
        HttpResponse busy;
        busy.status = 503;
        busy.content_type = "application/json";
        busy.body = R"({"error":{"code":"unavailable","message":"busy, retry"}})";
        busy.headers.emplace_back("Retry-After", "1");
        respond(std::move(busy));
    };
}

Endpoint callback_mount(std::vector<std::unique_ptr<CallbackEndpoint>> channels) {
    // Shared: an Endpoint is a copyable std::function.
    auto by_name =
        std::make_shared<std::unordered_map<std::string, std::unique_ptr<CallbackEndpoint>>>();
    for (auto& channel : channels) {
        std::string name = channel->channel().name;
        by_name->emplace(std::move(name), std::move(channel));
    }
    return [by_name](const HttpRequest& request, Respond respond) {
        const std::string_view path = request.path();
        auto it = by_name->find(std::string(path.substr(kCallbackPrefix.size())));
        if (it == by_name->end()) {
            spdlog::info("request {} {} status=404 reason=unknown channel",
                         log_text(request.method, 32), log_text(path));
            return respond(HttpResponse::text(404, "unknown channel\n"));
        }
        it->second->handle(request, std::move(respond));
    };
}

}  // namespace groupdesk::bot
