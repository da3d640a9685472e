// The notification routes of the REST API: what became of each announcement, and an admin's
// retry of one that failed or found no route.
#pragma once

#include <functional>
#include <string_view>

#include "common/http_types.h"
#include "tickets/actor.h"
#include "tickets/outbox_store.h"

namespace groupdesk::api {

// GET /api/v1/notifications?state=&kind=&ticket=&limit=&cursor=
HttpResponse list_notifications(tickets::OutboxStore& outbox, std::string_view query);

// POST /api/v1/notifications/{id}/retry (admins): a failed or undeliverable row is pending again
// and `on_retry` wakes the delivery worker.
HttpResponse retry_notification(tickets::OutboxStore& outbox, std::int64_t id,
                                const tickets::Actor& actor, tickets::time_point now,
                                const std::function<void()>& on_retry);

}  // namespace groupdesk::api
