// The keyword routes of the REST API (admins only): the rules, their history, import and export,
// an Official Account's own rules imported, and "which rule would answer this". Served by
// TicketsApi's authentication and routing under /api/v1/keywords.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/tickets_api.h"
#include "common/clock.h"
#include "common/http_types.h"
#include "config/config.h"
#include "keywords/keyword_service.h"
#include "wecom/api_client.h"

namespace groupdesk::api {

inline constexpr std::string_view kKeywordsPrefix = "/api/v1/keywords";
// An import of ten thousand rules is a few MB; the server's own body limit still applies.
inline constexpr std::size_t kMaxImportBytes = std::size_t{16} * 1024 * 1024;

class KeywordsApi {
public:
    // `platform` answers import-mp without a saved answer; `channels` are the configured ones.
    // All must outlive the API.
    KeywordsApi(keywords::KeywordService& service, const Clock& clock, wecom::ApiClient& platform,
                const std::vector<config::Channel>& channels)
        : service_(service), clock_(clock), platform_(platform), channels_(channels) {}

    // A request under kKeywordsPrefix by an authenticated token.
    HttpResponse handle(const HttpRequest& request, const config::ApiToken& token);

    static const std::vector<Route>& routes();

private:
    HttpResponse import_mp(const HttpRequest& request, const std::string& actor);

    keywords::KeywordService& service_;
    const Clock& clock_;
    wecom::ApiClient& platform_;
    const std::vector<config::Channel>& channels_;
};

}  // namespace groupdesk::api
