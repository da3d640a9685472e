// The keyword routes of the REST API (admins only): the rules, their history, import and export,
// and "which rule would answer this". Served by TicketsApi's authentication and routing under
// /api/v1/keywords.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "api/tickets_api.h"
#include "common/clock.h"
#include "common/http_types.h"
#include "keywords/keyword_service.h"

namespace groupdesk::api {

inline constexpr std::string_view kKeywordsPrefix = "/api/v1/keywords";
// An import of ten thousand rules is a few MB; the server's own body limit still applies.
inline constexpr std::size_t kMaxImportBytes = std::size_t{16} * 1024 * 1024;

class KeywordsApi {
public:
    KeywordsApi(keywords::KeywordService& service, const Clock& clock)
        : service_(service), clock_(clock) {}

    // A request under kKeywordsPrefix by an authenticated token.
    HttpResponse handle(const HttpRequest& request, const config::ApiToken& token);

    static const std::vector<Route>& routes();

private:
    keywords::KeywordService& service_;
    const Clock& clock_;
};

}  // namespace groupdesk::api
