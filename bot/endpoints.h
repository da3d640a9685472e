// The endpoints GroupDesk puts on its router: /healthz, /metrics and the /callback/ mount.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "bot/callback_endpoint.h"
#include "bot/metrics.h"
#include "bot/router.h"
#include "common/result.h"

namespace groupdesk::bot {

inline constexpr std::string_view kCallbackPrefix = "/callback/";

// Answers whether the database (and whatever else the service needs) works.
using HealthCheck = std::function<Status()>;

// GET /healthz: 200 "ok", or 503 with the check's one-line public reason.
Endpoint health_endpoint(HealthCheck health);

// GET /metrics: the Prometheus text format. `metrics` outlives the endpoint.
Endpoint metrics_endpoint(const Metrics& metrics);

// The mount at kCallbackPrefix: /callback/<name> goes to the channel of that name, any other
// name gets a 404 "unknown channel". The endpoint owns the channels.
Endpoint callback_mount(std::vector<std::unique_ptr<CallbackEndpoint>> channels);

}  // namespace groupdesk::bot
