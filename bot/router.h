// Router: method + path → endpoint. /callback/<channel>, /healthz, /metrics; 404 and 405 for
// the rest. It is the RequestHandler the HttpServer calls.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "bot/callback_endpoint.h"
#include "bot/http_server.h"
#include "bot/metrics.h"
#include "common/result.h"

namespace groupdesk::bot {

class Router {
public:
    // Answers whether the database (and whatever else the service needs) works.
    using HealthCheck = std::function<Status()>;

    Router(HealthCheck health, const Metrics& metrics);

    void add_callback(std::unique_ptr<CallbackEndpoint> endpoint);
    void handle(HttpRequest request, Respond respond);

private:
    HealthCheck health_;
    const Metrics& metrics_;
    std::unordered_map<std::string, std::unique_ptr<CallbackEndpoint>> callbacks_;
};

}  // namespace groupdesk::bot
