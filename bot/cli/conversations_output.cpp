// Tables and reports of the conversations CLI. A field missing or of another type prints empty
// rather than stopping the CLI.
#include "bot/cli/conversations_output.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "bot/cli/keywords_output.h"

namespace groupdesk::bot::cli {
namespace {

using Json = nlohmann::json;

const Json& member(const Json& j, const char* key) {
    static const Json kNull;
    if (!j.is_object()) return kNull;
    const auto it = j.find(key);
    return it == j.end() ? kNull : *it;
}

std::string text(const Json& j, const char* key, const char* none = "") {
    const Json& v = member(j, key);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return none;
    return v.dump();
}

bool flag(const Json& j, const char* key) {
    const Json& v = member(j, key);
    return v.is_boolean() && v.get<bool>();
}

std::int64_t number(const Json& j, const char* key) {
    const Json& v = member(j, key);
    return v.is_number_integer() ? v.get<std::int64_t>() : 0;
}

std::string yes_no(bool value) { return value ? "yes" : "no"; }

// "#12, #15"; `none` when there are none.
std::string ticket_numbers(const Json& conversation, const char* none) {
    std::string out;
    const Json& list = member(conversation, "open_tickets");
    for (const auto& n : list.is_array() ? list : Json::array()) {
        out += (out.empty() ? "#" : ", #") + (n.is_string() ? n.get<std::string>() : n.dump());
    }
    return out.empty() ? none : out;
}

std::string left_of(const Json& c) { return time_left(number(c, "seconds_left"), flag(c, "open")); }

}  // namespace

std::string time_left(std::int64_t seconds, bool open) {
    if (!open) return "closed";
    if (seconds < 0) seconds = 0;
    const std::int64_t hours = seconds / 3600;
    const std::int64_t minutes = seconds % 3600 / 60;
    if (hours > 0) {
        return std::to_string(hours) + "h" + (minutes < 10 ? "0" : "") + std::to_string(minutes) +
               "m";
    }
    if (minutes > 0) return std::to_string(minutes) + "m";
    return std::to_string(seconds) + "s";
}

std::string conversations_table(const Json& page, std::size_t width) {
    std::vector<std::vector<std::string>> rows;
    const Json& list = member(page, "conversations");
    for (const auto& c : list.is_array() ? list : Json::array()) {
        rows.push_back({text(c, "channel"), text(c, "user"), left_of(c), text(c, "quota_left"),
                        yes_no(flag(c, "waiting")), ticket_numbers(c, "-"),
                        text(c, "last_excerpt")});
    }
    if (rows.empty()) return "no open reply windows\n";
    return text_table({"CHANNEL", "USER", "LEFT", "QUOTA", "WAITING", "TICKETS", "LAST"}, rows,
                      width, 12);
}

std::string conversation_report(const Json& c) {
    const bool open = flag(c, "open");
    std::string window = open ? "open, " + left_of(c) + " left" : "closed";
    window += " (deadline " + text(c, "deadline") + "; opened by " + text(c, "opened_by") + " at " +
              text(c, "window_opened_at") + ")";
    std::string alerts = text(c, "alerts_sent");
    if (!member(c, "next_alert_at").is_null()) alerts += ", next at " + text(c, "next_alert_at");
    const std::pair<const char*, std::string> lines[] = {
        {"conversation", text(c, "channel") + "/" + text(c, "user")},
        {"window", window},
        {"quota", text(c, "quota_left") + " messages left"},
        {"waiting", yes_no(flag(c, "waiting"))},
        {"at risk", yes_no(flag(c, "at_risk"))},
        {"last message", text(c, "last_message_at", "-")},
        {"last answer", text(c, "last_answer_at", "-")},
        {"excerpt", fit_width(text(c, "last_excerpt"), 200)},
        {"open tickets", ticket_numbers(c, "none")},
        {"alerts sent", alerts},
    };
    std::string out;
    for (const auto& [label, value] : lines) {
        std::string label_text = label;
        label_text.resize(14, ' ');
        out += label_text + value + "\n";
    }
    return out;
}

}  // namespace groupdesk::bot::cli
