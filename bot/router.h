// Router: a table from method and exact path, or from a path prefix, to an endpoint; 404 and 405
// (with Allow) computed from the table. It is the RequestHandler the HttpServer calls.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/http_server.h"
#include "common/http_types.h"

namespace groupdesk::bot {

// Answers one request through `respond`, possibly later and from another thread. An endpoint
// may wrap another one (to check credentials, say) and call it only when the request may pass.
using Endpoint = std::function<void(HttpRequest, Respond)>;

class Router {
public:
    // `method` on exactly `path`. Other methods on that path get a 405 listing the added ones.
    // HEAD is a method of its own: it reaches only an endpoint added for "HEAD".
    void add(std::string method, std::string path, Endpoint endpoint);

    // Every path under `prefix`, which must end in '/': "/callback/" takes "/callback/a" but not
    // "/callbackx" nor "/callback". The endpoint answers every method itself. The longest
    // matching prefix wins; an exact path added with add() wins over any mount.
    void mount(std::string prefix, Endpoint endpoint);

    void handle(HttpRequest request, Respond respond) const;

private:
    // path → method → endpoint; std::map keeps the Allow header in a stable (sorted) order.
    std::map<std::string, std::map<std::string, Endpoint>, std::less<>> exact_;
    std::vector<std::pair<std::string, Endpoint>> mounts_;  // longest prefix first
};

}  // namespace groupdesk::bot
