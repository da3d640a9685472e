// The routing table: exact paths, then the longest mounted prefix, else 404.
#include "bot/router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "common/log_text.h"

namespace groupdesk::bot {
namespace {

HttpResponse method_not_allowed(const std::map<std::string, Endpoint>& methods) {
    std::string allow;
    for (const auto& [method, endpoint] : methods) {
        allow += (allow.empty() ? "" : ", ") + method;
    }
    auto response = HttpResponse::text(405, "method not allowed\n");
    response.headers.emplace_back("Allow", std::move(allow));
    return response;
}

}  // namespace

void Router::add(std::string method, std::string path, Endpoint endpoint) {
    exact_[std::move(path)].insert_or_assign(std::move(method), std::move(endpoint));
}

void Router::mount(std::string prefix, Endpoint endpoint) {
    // Without the slash "/api" would also take "/apiary".
    if (!prefix.ends_with('/')) throw std::invalid_argument("mount prefix must end in '/'");
    auto at = std::find_if(mounts_.begin(), mounts_.end(),
                           [&](const auto& m) { return m.first.size() < prefix.size(); });
    mounts_.emplace(at, std::move(prefix), std::move(endpoint));
}

void Router::handle(HttpRequest request, Respond respond) const {
    const std::string_view path = request.path();
    if (auto it = exact_.find(path); it != exact_.end()) {
        auto method = it->second.find(request.method);
        if (method == it->second.end()) return respond(method_not_allowed(it->second));
        return method->second(std::move(request), std::move(respond));
    }
    for (const auto& [prefix, endpoint] : mounts_) {
        if (path.starts_with(prefix)) return endpoint(std::move(request), std::move(respond));
    }
    spdlog::info("request {} {} status=404", log_text(request.method, 32), log_text(path));
    respond(HttpResponse::text(404, "not found\n"));
}

}  // namespace groupdesk::bot
