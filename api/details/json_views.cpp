// JSON views of tickets, events and errors, and the readers of request bodies.
#include "api/details/json_views.h"

#include <ctime>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <utility>

namespace groupdesk::api::details {
namespace {

using Json = nlohmann::json;
using tickets::Ticket;
using tickets::TicketEvent;

// Stored text was checked on the way in, but a dump must never throw on bytes that slipped by.
std::string dump(const Json& json) {
    return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json time_or_null(const std::optional<tickets::time_point>& t) {
    return t ? Json(rfc3339(*t)) : Json(nullptr);
}

Json ticket_json(const Ticket& t) {
    return Json{{"number", t.number},
                {"title", t.title},
                {"description", t.description},
                {"category", t.category},
                {"priority", tickets::to_string(t.priority)},
                {"status", tickets::to_string(t.status)},
                {"reporter", t.reporter},
                {"assignee", t.assignee},
                {"channel", t.channel},
                {"group", t.group},
                {"group_kind", tickets::to_string(t.group_kind)},
                {"source_message_id", t.source_message_id},
                {"created_at", rfc3339(t.created_at)},
                {"updated_at", rfc3339(t.updated_at)},
                {"first_response_at", time_or_null(t.first_response_at)},
                {"resolved_at", time_or_null(t.resolved_at)},
                {"closed_at", time_or_null(t.closed_at)},
                {"revision", t.revision}};
}

Json event_json(const TicketEvent& e) {
    return Json{{"id", e.id},
                {"at", rfc3339(e.at)},
                {"actor", e.actor},
                {"actor_role", tickets::to_string(e.actor_role)},
                {"action", tickets::to_string(e.action)},
                {"field", e.field},
                {"from", e.from},
                {"to", e.to},
                {"note", e.note}};
}

// What became of an announcement; its text, not its secrets (webhook keys and response_urls are
// never in a row).
Json notification_json(const tickets::Notification& n) {
    return Json{{"id", n.id},
                {"ticket", n.ticket},
                {"kind", tickets::to_string(n.kind)},
                {"route", tickets::to_string(n.route)},
                {"channel", n.channel},
                {"target", n.target},
                {"state", tickets::to_string(n.state)},
                {"attempts", n.attempts},
                {"created_at", rfc3339(n.created_at)},
                {"next_attempt_at", rfc3339(n.next_attempt_at)},
                {"sent_at", time_or_null(n.sent_at)},
                {"last_errcode", n.last_errcode},
                {"last_error", n.last_error},
                {"text", n.text}};
}

Error body_error(std::string_view reason) {
    return with_public_reason(make_error(ErrorCode::InvalidArgument, std::string(reason)), reason);
}

Error bad_field(const std::string& field, const std::string& problem) {
    return field_error(field, field + " " + problem);
}

// The body as a JSON object whose keys are all in `allowed`.
Result<Json> object(std::string_view body, std::initializer_list<std::string_view> allowed) {
    Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded()) return body_error("the body is not valid JSON");
    if (!json.is_object()) return body_error("the body must be a JSON object");
    for (const auto& [key, value] : json.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            return bad_field(key, "is not a known field");
        }
    }
    return json;
}

// json[key] as a string when present; an error when present with another type.
Result<std::optional<std::string>> string_field(const Json& json, const std::string& key) {
    if (!json.contains(key)) return std::optional<std::string>();
    if (!json[key].is_string()) return bad_field(key, "must be a string");
    return std::optional<std::string>(json[key].get<std::string>());
}

// json[key] as one of the words `parse` knows; `words` lists them for the message.
template <class Parse>
auto enum_field(const Json& json, const std::string& key, Parse parse, std::string_view words)
    -> Result<decltype(parse(std::string_view()))> {
    auto text = string_field(json, key);
    if (!text.ok()) return std::move(text).error();
    if (!*text) return decltype(parse(std::string_view()))();
    auto value = parse(**text);
    if (!value) return bad_field(key, "must be one of " + std::string(words));
    return value;
}

constexpr std::string_view kPriorities = "low, normal, high, urgent";
constexpr std::string_view kStatuses = "open, in_progress, resolved, closed";

}  // namespace

std::string rfc3339(tickets::time_point t) {
    const std::time_t seconds =
        std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(t));
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buffer, n);
}

std::string ticket_body(const Ticket& ticket, const std::vector<TicketEvent>* events,
                        const std::vector<tickets::Notification>* notifications) {
    Json json = ticket_json(ticket);
    if (events != nullptr) {
        json["events"] = Json::array();
        for (const auto& e : *events) json["events"].push_back(event_json(e));
    }
    if (notifications != nullptr) {
        json["notifications"] = Json::array();
        for (const auto& n : *notifications) json["notifications"].push_back(notification_json(n));
    }
    return dump(json);
}

std::string notification_body(const tickets::Notification& notification) {
    return dump(notification_json(notification));
}

std::string queued_notification_body(const tickets::Notification& notification) {
    return dump(Json{{"notification", notification_json(notification)}});
}

std::string notifications_body(const std::vector<tickets::Notification>& notifications,
                               const std::optional<std::string>& next_cursor) {
    Json json{{"notifications", Json::array()},
              {"next_cursor", next_cursor ? Json(*next_cursor) : Json(nullptr)}};
    for (const auto& n : notifications) json["notifications"].push_back(notification_json(n));
    return dump(json);
}

std::string event_body(const TicketEvent& event) { return dump(event_json(event)); }

std::string list_body(const std::vector<Ticket>& tickets,
                      const std::optional<std::string>& next_cursor) {
    Json json{{"tickets", Json::array()},
              {"next_cursor", next_cursor ? Json(*next_cursor) : Json(nullptr)}};
    for (const auto& t : tickets) json["tickets"].push_back(ticket_json(t));
    return dump(json);
}

std::string error_body(std::string_view code, std::string_view message, std::string_view field) {
    Json error{{"code", code}, {"message", message}};
    if (!field.empty()) error["field"] = field;
    return dump(Json{{"error", std::move(error)}});
}

Result<CreateRequest> parse_create(std::string_view body) {
    auto json = object(body, {"title", "channel", "group", "group_kind", "description", "category",
                              "priority", "assignee", "reporter"});
    if (!json.ok()) return std::move(json).error();
    CreateRequest request;
    for (const char* key : {"title", "channel", "group"}) {
        if (!json->contains(key)) return bad_field(key, "is required");
    }
    std::pair<const char*, std::string*> strings[] = {
        {"title", &request.ticket.title},       {"channel", &request.where.channel},
        {"group", &request.where.group},        {"description", &request.ticket.description},
        {"category", &request.ticket.category}, {"assignee", &request.ticket.assignee},
        {"reporter", &request.ticket.reporter}};
    for (auto& [key, target] : strings) {
        auto value = string_field(*json, key);
        if (!value.ok()) return std::move(value).error();
        if (*value) *target = std::move(**value);
    }
    auto kind = enum_field(*json, "group_kind", tickets::parse_group_kind, "chat, user");
    if (!kind.ok()) return std::move(kind).error();
    if (*kind) request.where.group_kind = **kind;
    auto priority = enum_field(*json, "priority", tickets::parse_priority, kPriorities);
    if (!priority.ok()) return std::move(priority).error();
    if (*priority) request.ticket.priority = **priority;
    return request;
}

Result<tickets::TicketEdit> parse_edit(std::string_view body) {
    auto json = object(body, {"status", "assignee", "priority", "category", "title", "note"});
    if (!json.ok()) return std::move(json).error();
    tickets::TicketEdit edit;
    auto status = enum_field(*json, "status", tickets::parse_status, kStatuses);
    if (!status.ok()) return std::move(status).error();
    edit.status = *status;
    auto priority = enum_field(*json, "priority", tickets::parse_priority, kPriorities);
    if (!priority.ok()) return std::move(priority).error();
    edit.priority = *priority;
    std::pair<const char*, std::optional<std::string>*> strings[] = {
        {"assignee", &edit.assignee}, {"category", &edit.category}, {"title", &edit.title}};
    for (auto& [key, target] : strings) {
        auto value = string_field(*json, key);
        if (!value.ok()) return std::move(value).error();
        *target = std::move(*value);
    }
    auto note = string_field(*json, "note");
    if (!note.ok()) return std::move(note).error();
    if (*note) edit.note = std::move(**note);
    return edit;
}

Result<std::string> parse_comment(std::string_view body) {
    auto json = object(body, {"text"});
    if (!json.ok()) return std::move(json).error();
    if (!json->contains("text")) return bad_field("text", "is required");
    auto text = string_field(*json, "text");
    if (!text.ok()) return std::move(text).error();
    return std::move(**text);
}

}  // namespace groupdesk::api::details
