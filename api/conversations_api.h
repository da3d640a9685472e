// The reply-window routes of the REST API (any token, agent or admin): the Official Account
// conversations whose 48-hour window is open, the one of a user, and an agent's message to that
// user. Served by TicketsApi's authentication and routing under /api/v1/conversations.
#pragma once

#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "api/tickets_api.h"
#include "common/clock.h"
#include "common/http_types.h"
#include "config/config.h"
#include "tickets/reply_window_service.h"

namespace groupdesk::api {

inline constexpr std::string_view kConversationsPrefix = "/api/v1/conversations";

class ConversationsApi {
public:
    // `on_queued` is called after a message was queued, to wake the outbox worker. `service` and
    // `clock` outlive the API.
    ConversationsApi(tickets::ReplyWindowService& service, const Clock& clock,
                     std::function<void()> on_queued = {})
        : service_(service), clock_(clock), on_queued_(std::move(on_queued)) {}

    // A request under kConversationsPrefix by an authenticated token.
    HttpResponse handle(const HttpRequest& request, const config::ApiToken& token);

    static const std::vector<Route>& routes();

private:
    HttpResponse list(std::string_view query, tickets::time_point now);
    HttpResponse send(const HttpRequest& request, const tickets::ConversationKey& key,
                      const config::ApiToken& token, tickets::time_point now);

    tickets::ReplyWindowService& service_;
    const Clock& clock_;
    std::function<void()> on_queued_;
};

}  // namespace groupdesk::api
