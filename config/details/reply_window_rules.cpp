// Reply window rules: alert targets, lead times, the nudge, and an mp channel's template fallback.
#include "config/details/reply_window_rules.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "config/details/platform_rules.h"

namespace groupdesk::config::details {
namespace {

using Json = nlohmann::ordered_json;
using std::chrono::seconds;

// The platform's window (wecom-protocol.md §15): an alert or nudge at or beyond it never fires.
constexpr seconds kWindow = std::chrono::hours{48};
constexpr std::size_t kMaxNudgeBytes = 600;    // a short chat message, well inside text limits
constexpr std::size_t kMaxDurationDigits = 9;  // bounds the number before it can overflow
constexpr const char* kSection = "reply_window";
constexpr const char* kAlerts = "reply_window.alerts_to";

std::string join(const std::string& path, std::string_view key) {
    return path + "." + std::string(key);
}

// The keys of `obj` that are not `allowed`, each a problem.
void check_keys(const Json& obj, const std::string& path,
                std::initializer_list<std::string_view> allowed, std::vector<Problem>& problems) {
    for (const auto& [key, unused] : obj.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            problems.push_back(Problem{join(path, key), "unknown key"});
        }
    }
}

// obj[key] as an object with only `allowed` keys; nullptr when absent or not an object.
const Json* object(const Json& obj, const std::string& path, const char* key,
                   std::initializer_list<std::string_view> allowed,
                   std::vector<Problem>& problems) {
    if (!obj.contains(key)) return nullptr;
    const std::string at = path.empty() ? std::string(key) : join(path, key);
    const Json& value = obj[key];
    if (!value.is_object()) {
        problems.push_back(Problem{at, "must be an object"});
        return nullptr;
    }
    check_keys(value, at, allowed, problems);
    return &value;
}

void boolean(const Json& obj, const std::string& path, const char* key, bool& out,
             std::vector<Problem>& problems) {
    if (!obj.contains(key)) return;
    if (!obj[key].is_boolean()) {
        return problems.push_back(Problem{join(path, key), "must be true or false"});
    }
    out = obj[key].get<bool>();
}

// obj[key] when it is a string; nullopt (and a problem when present with another type) if not.
std::optional<std::string> string(const Json& obj, const std::string& path, const char* key,
                                  std::vector<Problem>& problems) {
    if (!obj.contains(key)) return std::nullopt;
    if (obj[key].is_string()) return obj[key].get<std::string>();
    problems.push_back(Problem{join(path, key), "must be a string"});
    return std::nullopt;
}

std::string describe(const Json& value) {
    return value.is_string() ? quote(value.get<std::string>()) : value.dump();
}

// A duration under the window, more than zero; nullopt after naming the problem at `at`.
std::optional<seconds> window_duration(const Json& value, const std::string& at,
                                       std::vector<Problem>& problems) {
    const auto parsed = value.is_string() ? parse_duration(value.get<std::string>()) : std::nullopt;
    if (!parsed) {
        problems.push_back(Problem{
            at, "must be a duration like \"6h\", \"30m\" or \"90s\", got " + describe(value)});
        return std::nullopt;
    }
    if (*parsed <= seconds{0} || *parsed >= kWindow) {
        problems.push_back(
            Problem{at, "must be more than 0 and less than 48h, got " + describe(value)});
        return std::nullopt;
    }
    return parsed;
}

void read_lead_times(const Json& section, ReplyWindow& out, std::vector<Problem>& problems) {
    if (!section.contains("lead_times")) return;
    const std::string at = join(kSection, "lead_times");
    const Json& list = section["lead_times"];
    if (!list.is_array() || list.empty()) {
        return problems.push_back(
            Problem{at, "must be a non-empty array of durations like [\"24h\", \"6h\", \"1h\"]"});
    }
    std::vector<seconds> times;
    std::map<seconds, std::string> seen;  // duration → path of the entry that has it
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string item = at + "[" + std::to_string(i) + "]";
        const auto time = window_duration(list[i], item, problems);
        if (!time) continue;
        if (const auto [it, fresh] = seen.emplace(*time, item); !fresh) {
            problems.push_back(Problem{item, "is the same time as " + it->second});
            continue;
        }
        times.push_back(*time);
    }
    std::sort(times.begin(), times.end(), std::greater<>());
    out.lead_times = std::move(times);
}

// "<channel>/<chatid>" naming an aibot channel of `config`.
void read_aibot_chat(const std::string& text, const Config& config, ReplyWindow::AlertsTo& out,
                     std::vector<Problem>& problems) {
    const std::string at = join(kAlerts, "aibot_chat");
    const auto slash = text.find('/');
    if (slash == std::string::npos || slash == 0 || !valid_chat_id(text.substr(slash + 1))) {
        return problems.push_back(
            Problem{at,
                    "must be \"<channel>/<chatid>\" (an aibot channel and one of its group "
                    "chats), got " +
                        quote(text)});
    }
    const std::string name = text.substr(0, slash);
    const Channel* channel = config.find_channel(name);
    if (channel == nullptr) {
        return problems.push_back(
            Problem{at, "names channel " + quote(name) + ", which is not configured"});
    }
    if (channel->kind != ChannelKind::AiBot) {
        return problems.push_back(Problem{at, "names channel " + quote(name) + " of kind " +
                                                  std::string(to_string(channel->kind)) +
                                                  "; it must be an aibot channel"});
    }
    out.aibot_channel = name;
    out.aibot_chat = text.substr(slash + 1);
}

// The wecom channel that sends the assignee's alerts: the one named, or the only one able to.
void read_app_channel(const Json& alerts, const Config& config, ReplyWindow::AlertsTo& out,
                      std::vector<Problem>& problems) {
    const std::string at = join(kAlerts, "app_channel");
    const auto named = string(alerts, kAlerts, "app_channel", problems);
    if (named && !out.assignee) {
        return problems.push_back(Problem{at, "is only used with \"assignee\": true"});
    }
    if (named) {
        const Channel* channel = config.find_channel(*named);
        if (channel == nullptr) {
            return problems.push_back(
                Problem{at, "names channel " + quote(*named) + ", which is not configured"});
        }
        if (channel->kind != ChannelKind::WeCom || channel->agent_id <= 0) {
            return problems.push_back(Problem{
                at,
                "names channel " + quote(*named) +
                    "; it must be a wecom channel with agent_id (app messages are sent as it)"});
        }
        out.app_channel = *named;
        return;
    }
    if (!out.assignee || alerts.contains("app_channel")) return;
    std::vector<std::string> able;
    for (const Channel& c : config.channels) {
        if (c.kind == ChannelKind::WeCom && c.agent_id > 0) able.push_back(c.name);
    }
    if (able.size() == 1) {
        out.app_channel = able.front();
    } else if (able.empty()) {
        problems.push_back(Problem{at,
                                   "is required with \"assignee\": true: no wecom channel "
                                   "has an agent_id to send the alerts as"});
    } else {
        std::string names;
        for (const auto& n : able) names += (names.empty() ? "" : ", ") + quote(n);
        problems.push_back(Problem{at,
                                   "is required with \"assignee\": true: several wecom "
                                   "channels have an agent_id (" +
                                       names + "); name one"});
    }
}

void read_alerts_to(const Json& section, const Config& config, ReplyWindow::AlertsTo& out,
                    std::vector<Problem>& problems) {
    const Json* alerts = object(section, kSection, "alerts_to",
                                {"webhook_key", "aibot_chat", "assignee", "app_channel"}, problems);
    if (alerts == nullptr) return;
    // The key is a secret: a message gives only its length.
    if (auto key = string(*alerts, kAlerts, "webhook_key", problems)) {
        if (!valid_webhook_key(*key)) {
            problems.push_back(Problem{join(kAlerts, "webhook_key"),
                                       "must be 1 to 128 characters from A-Z a-z 0-9 and -, got " +
                                           std::to_string(key->size()) + " characters"});
        } else {
            out.webhook_key = std::move(*key);
        }
    }
    if (auto chat = string(*alerts, kAlerts, "aibot_chat", problems)) {
        // One fallback group, so that an alert is not announced twice.
        if (alerts->contains("webhook_key")) {
            // The key may be the environment's, which the file alone would not show.
            problems.push_back(Problem{join(kAlerts, "aibot_chat"),
                                       "cannot be used together with webhook_key (in the file or "
                                       "as " +
                                           std::string(kReplyWindowWebhookVariable) +
                                           "); choose one group"});
        } else {
            read_aibot_chat(*chat, config, out, problems);
        }
    }
    boolean(*alerts, kAlerts, "assignee", out.assignee, problems);
    read_app_channel(*alerts, config, out, problems);
}

void read_nudge(const Json& section, ReplyWindow& out, std::vector<Problem>& problems) {
    const std::string path = join(kSection, "nudge");
    const Json* nudge = object(section, kSection, "nudge", {"enabled", "before", "text"}, problems);
    if (nudge == nullptr) return;
    boolean(*nudge, path, "enabled", out.nudge, problems);
    if (nudge->contains("before")) {
        if (auto before = window_duration((*nudge)["before"], join(path, "before"), problems)) {
            out.nudge_before = *before;
        }
    }
    if (auto text = string(*nudge, path, "text", problems)) {
        if (text->empty() || text->size() > kMaxNudgeBytes) {
            problems.push_back(Problem{
                join(path, "text"), "must be 1 to 600 bytes, got " + std::to_string(text->size())});
        } else {
            out.nudge_text = std::move(*text);
        }
    }
}

// The first problem with the placeholders of `value`, or "" when they are all known.
std::string placeholder_problem(const std::string& value) {
    for (std::size_t open = value.find('{'); open != std::string::npos;
         open = value.find('{', open + 1)) {
        const std::size_t close = value.find('}', open);
        if (close == std::string::npos) {
            return "has a { without a closing }";
        }
        const std::string_view name = std::string_view(value).substr(open + 1, close - open - 1);
        if (std::find(std::begin(kTemplatePlaceholders), std::end(kTemplatePlaceholders), name) ==
            std::end(kTemplatePlaceholders)) {
            return "has the unknown placeholder {" + std::string(name) +
                   "}; allowed: {ticket} {title} {status} {priority} {assignee} {text}";
        }
        open = close;
    }
    return {};
}

}  // namespace

std::optional<seconds> parse_duration(std::string_view text) {
    if (text.size() < 2 || text.size() > kMaxDurationDigits + 1) return std::nullopt;
    const std::string_view digits = text.substr(0, text.size() - 1);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    std::int64_t n = 0;
    for (const char c : digits) n = n * 10 + (c - '0');
    switch (text.back()) {
        case 's':
            return seconds{n};
        case 'm':
            return std::chrono::minutes{n};
        case 'h':
            return std::chrono::hours{n};
        default:
            return std::nullopt;
    }
}

void apply_reply_window_override(Json& root, const EnvLookup& env,
                                 std::map<std::string, std::string>& origins) {
    if (!env || !root.is_object()) return;
    std::optional<std::string> key = env(kReplyWindowWebhookVariable);
    if (!key || key->empty()) return;
    if (root.contains(kSection) && !root[kSection].is_object()) return;
    Json& section = root[kSection];
    if (section.contains("alerts_to") && !section["alerts_to"].is_object()) return;
    section["alerts_to"]["webhook_key"] = std::move(*key);
    origins[join(kAlerts, "webhook_key")] = kReplyWindowWebhookVariable;
}

void read_reply_window(const Json& root, Config& config, std::vector<Problem>& problems) {
    const Json* section =
        object(root, "", kSection, {"enabled", "alerts_to", "lead_times", "nudge"}, problems);
    if (section == nullptr) return;
    ReplyWindow& out = config.reply_window;
    boolean(*section, kSection, "enabled", out.enabled, problems);
    read_alerts_to(*section, config, out.alerts_to, problems);
    read_lead_times(*section, out, problems);
    read_nudge(*section, out, problems);
}

void read_template_fallback(const Json& obj, const std::string& path, Channel& channel,
                            std::vector<Problem>& problems) {
    if (!obj.contains("template_fallback")) return;
    const std::string at = join(path, "template_fallback");
    // When the kind itself is wrong, its own error says so.
    const bool known_kind = obj.contains("kind") && obj["kind"].is_string() &&
                            obj["kind"].get<std::string>() == to_string(channel.kind);
    if (known_kind && channel.kind != ChannelKind::Mp) {
        return problems.push_back(
            Problem{at, "is only for an mp channel (template messages are an Official Account's)"});
    }
    const Json* fallback =
        object(obj, path, "template_fallback", {"template_id", "url", "fields"}, problems);
    if (fallback == nullptr) return;
    Channel::TemplateFallback out;
    if (auto id = string(*fallback, at, "template_id", problems)) {
        if (id->empty()) problems.push_back(Problem{join(at, "template_id"), "must not be empty"});
        out.template_id = std::move(*id);
    } else if (!fallback->contains("template_id")) {
        problems.push_back(Problem{join(at, "template_id"), "is required"});
    }
    if (auto url = string(*fallback, at, "url", problems)) {
        if (!valid_link_url(*url)) {
            problems.push_back(
                Problem{join(at, "url"), "must be an http:// or https:// URL, got " + quote(*url)});
        }
        out.url = std::move(*url);
    }
    const std::string fields_at = join(at, "fields");
    if (!fallback->contains("fields")) {
        problems.push_back(Problem{fields_at, "is required"});
    } else if (const Json& fields = (*fallback)["fields"]; !fields.is_object() || fields.empty()) {
        problems.push_back(
            Problem{fields_at, "must be a non-empty object of template field name to text"});
    } else {
        for (const auto& [name, value] : fields.items()) {
            const std::string field = join(fields_at, name);
            if (name.empty()) {
                problems.push_back(Problem{fields_at, "a field name must not be empty"});
            } else if (!value.is_string()) {
                problems.push_back(Problem{field, "must be a string"});
            } else if (auto problem = placeholder_problem(value.get<std::string>());
                       !problem.empty()) {
                problems.push_back(Problem{field, problem});
            } else {
                out.fields.emplace(name, value.get<std::string>());
            }
        }
    }
    channel.template_fallback = std::move(out);
}

}  // namespace groupdesk::config::details
