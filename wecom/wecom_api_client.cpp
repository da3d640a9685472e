// The platform calls: bodies, URLs, errcode mapping and the access-token cache.
#include "wecom/wecom_api_client.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/log_text.h"
#include "wecom/details/markdown_mentions.h"
#include "wecom/errcodes.h"
#include "wecom/mask_secrets.h"

namespace groupdesk::wecom {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kJson = "application/json";
constexpr std::int64_t kDefaultExpiresIn = 7200;  // when the answer omits it (as wechatpy does)

// Invalid UTF-8 in a content must not throw out of dump(): it is replaced instead.
std::string dump(const Json& json) {
    return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string percent_encode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0xF]);
        }
    }
    return out;
}

Json markdown_body(const OutboundMessage& message) {
    return Json{{"msgtype", "markdown"},
                {"markdown", {{"content", details::markdown_with_mentions(message)}}}};
}

// Group robot (§11): markdown with <@userid> in the content, or text with mentioned_list.
Json robot_body(const OutboundMessage& message) {
    if (message.markdown) return markdown_body(message);
    Json text{{"content", message.content}};
    if (!message.mentions.empty()) text["mentioned_list"] = message.mentions;
    return Json{{"msgtype", "text"}, {"text", text}};
}

Error failure(ErrorCode code, const std::string& message, int detail) {
    Error error = make_error(code, log_text(mask_secrets(message), 512), detail);
    error.public_reason = code == ErrorCode::Unavailable ? "the platform is unavailable"
                                                         : "the platform refused the message";
    return error;
}

// The channel's own config cannot make this call; nothing was sent.
Error setup_error(const std::string& message) {
    return with_public_reason(make_error(ErrorCode::FailedPrecondition, message),
                              "the channel is not set up to send this");
}

// An HTTP answer as the platform's JSON object, or the error it stands for.
Result<Json> interpret(Result<HttpResult> answer) {
    if (!answer) return failure(ErrorCode::Unavailable, answer.error().message, 0);
    const HttpResult& r = *answer;
    const std::string status = "HTTP " + std::to_string(r.status);
    // 408 and 429 are "later", like 5xx; other non-2xx answers will not change on a retry.
    if (r.status >= 500 || r.status == 408 || r.status == 429) {
        return failure(ErrorCode::Unavailable, status, 0);
    }
    if (r.status < 200 || r.status >= 300) return failure(ErrorCode::FailedPrecondition, status, 0);
    Json json = Json::parse(r.body, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        return failure(ErrorCode::Unavailable, status + " with an answer that is not JSON", 0);
    }
    const auto errcode_it = json.find("errcode");
    if (errcode_it == json.end()) return json;  // an OA token answer has no errcode on success
    if (!errcode_it->is_number_integer()) {
        return failure(ErrorCode::Unavailable, status + " with a non-integer errcode", 0);
    }
    const int errcode = errcode_it->get<int>();
    if (errcode == 0) return json;
    const auto errmsg_it = json.find("errmsg");
    const std::string errmsg =
        errmsg_it != json.end() && errmsg_it->is_string() ? errmsg_it->get<std::string>() : "";
    return errcode_error(errcode, errmsg);
}

template <class T>
Status as_status(Result<T> answer) {
    if (!answer) return std::move(answer).error();
    return ok_status();
}

}  // namespace

WecomApiClient::WecomApiClient(HttpClient& http, const config::Platform& platform,
                               const Clock& clock)
    : http_(http), platform_(platform), clock_(clock) {}

Status WecomApiClient::send_webhook(std::string_view key, const OutboundMessage& message) {
    if (key.empty()) return setup_error("no webhook key");
    const std::string url =
        platform_.wecom_api_base + "/cgi-bin/webhook/send?key=" + percent_encode(key);
    HttpTimeouts timeouts{platform_.connect_timeout, platform_.request_timeout};
    return as_status(interpret(http_.post(url, kJson, dump(robot_body(message)), timeouts)));
}

// §6 documents only markdown (and template cards) for a response_url, so text goes as markdown.
Status WecomApiClient::post_response_url(std::string_view url, const OutboundMessage& message) {
    if (!url.starts_with("https://") && !url.starts_with("http://")) {
        return failure(ErrorCode::InvalidArgument, "response_url is not an http(s) URL", 0);
    }
    HttpTimeouts timeouts{platform_.connect_timeout, platform_.request_timeout};
    Status status =
        as_status(interpret(http_.post(url, kJson, dump(markdown_body(message)), timeouts)));
    if (status.ok()) return status;
    // The query is the credential even if the platform ever moves the path: mask it literally.
    Error error = std::move(status).error();
    if (const auto q = url.find('?'); q != std::string_view::npos && q + 1 < url.size()) {
        const std::string query(url.substr(q + 1));
        for (auto at = error.message.find(query); at != std::string::npos;
             at = error.message.find(query, at)) {
            error.message.replace(at, query.size(), "***");
        }
    }
    return error;
}

Status WecomApiClient::send_app_message(const config::Channel& channel, std::string_view user,
                                        const OutboundMessage& message) {
    if (channel.kind != config::ChannelKind::WeCom) {
        return setup_error("channel " + channel.name + " is not a wecom channel");
    }
    if (channel.agent_id <= 0) {
        return setup_error("channel " + channel.name + " has no agent_id to send app messages as");
    }
    Json body{{"touser", std::string(user)}, {"agentid", channel.agent_id}, {"safe", 0}};
    if (message.markdown) {
        body["msgtype"] = "markdown";
        body["markdown"] = {{"content", message.content}};
    } else {
        body["msgtype"] = "text";
        body["text"] = {{"content", message.content}};
    }
    return as_status(
        call_with_token(channel, platform_.wecom_api_base, "/cgi-bin/message/send", dump(body)));
}

// The Official Account has no markdown message: the content goes as text.
Status WecomApiClient::send_custom_message(const config::Channel& channel, std::string_view openid,
                                           const OutboundMessage& message) {
    if (channel.kind != config::ChannelKind::Mp) {
        return setup_error("channel " + channel.name + " is not an mp channel");
    }
    const Json body{{"touser", std::string(openid)},
                    {"msgtype", "text"},
                    {"text", {{"content", message.content}}}};
    return as_status(call_with_token(channel, platform_.mp_api_base, "/cgi-bin/message/custom/send",
                                     dump(body)));
}

// Empty url and client_msg_id are left out rather than sent empty, as the platform documents them
// as optional.
Status WecomApiClient::send_template_message(const config::Channel& channel,
                                             std::string_view openid,
                                             const TemplateMessage& message) {
    if (channel.kind != config::ChannelKind::Mp) {
        return setup_error("channel " + channel.name + " is not an mp channel");
    }
    Json data = Json::object();
    for (const auto& [name, value] : message.data) data[name] = {{"value", value}};
    Json body{{"touser", std::string(openid)},
              {"template_id", message.template_id},
              {"data", std::move(data)}};
    if (!message.url.empty()) body["url"] = message.url;
    if (!message.client_msg_id.empty()) body["client_msg_id"] = message.client_msg_id;
    return as_status(call_with_token(channel, platform_.mp_api_base,
                                     "/cgi-bin/message/template/send", dump(body)));
}

Result<std::string> WecomApiClient::get_autoreply_info(const config::Channel& channel) {
    if (channel.kind != config::ChannelKind::Mp) {
        return setup_error("channel " + channel.name + " is not an mp channel");
    }
    return call_with_token(channel, platform_.mp_api_base, "/cgi-bin/get_current_autoreply_info",
                           std::nullopt);
}

Result<std::string> WecomApiClient::call_with_token(const config::Channel& channel,
                                                    const std::string& base, std::string_view path,
                                                    const std::optional<std::string>& body) {
    const HttpTimeouts timeouts{platform_.connect_timeout, platform_.request_timeout};
    std::string used;
    for (int attempt = 0;; ++attempt) {
        auto current = token(channel, used);
        if (!current) return std::move(current).error();
        used = std::move(current).value();
        const std::string url = base + std::string(path) + "?access_token=" + percent_encode(used);
        auto answer = body ? http_.post(url, kJson, *body, timeouts) : http_.get(url, timeouts);
        // The body is what the caller reads; interpret() only judges it (errcode, JSON object).
        std::string text = answer.ok() ? answer->body : std::string();
        auto judged = interpret(std::move(answer));
        if (judged.ok()) return text;
        // Only one retry: a second refusal of a fresh token is the platform's word, not a race.
        if (attempt > 0 || !is_token_error(judged.error().detail)) {
            return std::move(judged).error();
        }
    }
}

WecomApiClient::TokenSlot& WecomApiClient::slot(const config::Channel& channel) {
    std::string key(config::to_string(channel.kind));
    key += '\n' + channel.receive_id + '\n' + channel.secret;
    std::lock_guard lock(slots_mutex_);
    auto& entry = slots_[key];
    if (!entry) entry = std::make_unique<TokenSlot>();
    return *entry;
}

Result<std::string> WecomApiClient::token(const config::Channel& channel, std::string_view stale) {
    if (channel.secret.empty() || channel.receive_id.empty()) {
        return setup_error("channel " + channel.name +
                           " needs receive_id and secret to get an access token");
    }
    TokenSlot& s = slot(channel);
    std::lock_guard lock(s.mutex);
    // A caller that saw `stale` refused finds a newer token here if another caller refreshed it.
    const bool usable = !s.token.empty() && s.token != stale && clock_.now() < s.refresh_at;
    if (usable) return s.token;
    s.token.clear();
    auto fetched = fetch_token(channel);
    if (!fetched) return std::move(fetched).error();
    s.token = fetched->token;
    s.refresh_at = fetched->refresh_at;
    return s.token;
}

Result<WecomApiClient::Fetched> WecomApiClient::fetch_token(const config::Channel& channel) {
    const std::string url =
        channel.kind == config::ChannelKind::Mp
            ? platform_.mp_api_base + "/cgi-bin/token?grant_type=client_credential&appid=" +
                  percent_encode(channel.receive_id) + "&secret=" + percent_encode(channel.secret)
            : platform_.wecom_api_base +
                  "/cgi-bin/gettoken?corpid=" + percent_encode(channel.receive_id) +
                  "&corpsecret=" + percent_encode(channel.secret);
    const Clock::time_point asked = clock_.now();
    auto answer = interpret(http_.get(url, {platform_.connect_timeout, platform_.request_timeout}));
    if (!answer) {
        Error error = std::move(answer).error();
        error.message = "access token for channel " + channel.name + ": " + error.message;
        return error;
    }
    const Json& json = *answer;
    const auto token = json.find("access_token");
    if (token == json.end() || !token->is_string() || token->get<std::string>().empty()) {
        return failure(ErrorCode::Unavailable,
                       "access token for channel " + channel.name + ": answer has no access_token",
                       0);
    }
    std::int64_t expires_in = kDefaultExpiresIn;
    if (const auto e = json.find("expires_in"); e != json.end() && e->is_number_integer()) {
        expires_in = std::max<std::int64_t>(e->get<std::int64_t>(), 1);
    }
    // Counted from when it was asked for; a short lifetime is used for its first half only.
    const std::chrono::seconds life{expires_in};
    const auto margin = std::min<std::chrono::seconds>(kTokenMargin, life / 2);
    return Fetched{token->get<std::string>(), asked + life - margin};
}

}  // namespace groupdesk::wecom
