// TicketsApi: the ticket REST API under /api/v1 — bearer auth, routing, JSON in and out — as a
// plain request → response function over TicketService. The server mounts it; it knows no HTTP
// transport.
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "api/auth.h"
#include "common/clock.h"
#include "common/http_types.h"
#include "config/config.h"
#include "tickets/outbox_store.h"
#include "tickets/ticket_service.h"

namespace groupdesk::api {

// One (method, path) the API serves; `path` is a template: "/api/v1/tickets/{number}" ({number}
// and {id} are positive numbers, other placeholders text segments; details/route_match.h).
struct Route {
    std::string_view method;
    std::string_view path;
};

// Where the server mounts the API; every path under it is answered here (404 when unknown).
inline constexpr std::string_view kApiPrefix = "/api/v1/";
// A ticket's fields are far smaller; larger bodies are refused before they are parsed.
inline constexpr std::size_t kMaxApiBodyBytes = std::size_t{64} * 1024;

class KeywordsApi;
class ConversationsApi;

class TicketsApi {
public:
    // With `outbox`, a ticket shows its notifications and the notification routes are served;
    // `on_retry` is called after an admin's retry made a row pending again.
    TicketsApi(tickets::TicketService& service, const Clock& clock,
               std::vector<config::ApiToken> tokens, tickets::OutboxStore* outbox = nullptr,
               std::function<void()> on_retry = {});

    // Synchronous: it waits for the store (the caller runs it on a worker thread). Never throws;
    // bad input is a 4xx, never a 5xx.
    HttpResponse handle(const HttpRequest& request);

    // Ticket and notification routes (the keyword routes are KeywordsApi::routes()).
    static const std::vector<Route>& routes();

    // Serves /api/v1/keywords through `keywords` (404 without); it outlives this object.
    void serve_keywords(KeywordsApi* keywords) { keywords_ = keywords; }
    // Serves /api/v1/conversations through `conversations` (404 without); it outlives this object.
    void serve_conversations(ConversationsApi* conversations) { conversations_ = conversations; }

private:
    HttpResponse dispatch(const HttpRequest& request, const config::ApiToken& token);

    tickets::TicketService& service_;
    const Clock& clock_;
    BearerAuth auth_;
    tickets::OutboxStore* outbox_;
    std::function<void()> on_retry_;
    KeywordsApi* keywords_ = nullptr;
    ConversationsApi* conversations_ = nullptr;
};

}  // namespace groupdesk::api
