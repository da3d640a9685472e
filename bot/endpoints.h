// The endpoints GroupDesk puts on its router: /healthz, /metrics and the /callback/ mount.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "bot/callback_endpoint.h"
#include "bot/metrics.h"
#include "bot/router.h"
#include "bot/work_queue.h"
#include "common/result.h"

namespace groupdesk::bot {

inline constexpr std::string_view kCallbackPrefix = "/callback/";
// Everything under /api/ goes to the REST API, so an unknown API path gets its JSON 404.
inline constexpr std::string_view kApiMount = "/api/";

// Answers whether the database (and whatever else the service needs) works.
using HealthCheck = std::function<Status()>;

// GET /healthz: 200 "ok", or 503 with the check's one-line public reason.
Endpoint health_endpoint(HealthCheck health);

// GET /metrics: the Prometheus text format. `metrics` outlives the endpoint.
Endpoint metrics_endpoint(const Metrics& metrics);

// An endpoint that answers in one call and may wait on the disk while it does (the REST API).
using BlockingEndpoint = std::function<HttpResponse(const HttpRequest&)>;

// Runs `endpoint` on a worker, never on an I/O thread. When the workers' queue is full the
// caller gets a 503 (JSON, with Retry-After) at once. `workers` outlives the endpoint.
Endpoint on_workers(BlockingEndpoint endpoint, WorkQueue& workers);

// The mount at kCallbackPrefix: /callback/<name> goes to the channel of that name, any other
// name gets a 404 "unknown channel". The endpoint owns the channels.
Endpoint callback_mount(std::vector<std::unique_ptr<CallbackEndpoint>> channels);

}  // namespace groupdesk::bot
