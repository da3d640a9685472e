// WecomApiClient: ApiClient over HTTP — the request bodies of wecom-protocol.md §6, §7, §11 and
// §14.2, errcode mapping, and access tokens cached per app and refreshed by one caller at a time.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "config/config.h"
#include "wecom/api_client.h"
#include "wecom/http_client.h"

namespace groupdesk::wecom {

class WecomApiClient final : public ApiClient {
public:
    // A token is used until this long before the platform said it expires, so a call never
    // starts with a token about to lapse on the way.
    static constexpr std::chrono::minutes kTokenMargin{5};

    // All three must outlive the client. Safe to call from several threads at once.
    WecomApiClient(HttpClient& http, const config::Platform& platform, const Clock& clock);

    [[nodiscard]] Status send_webhook(std::string_view key,
                                      const OutboundMessage& message) override;
    [[nodiscard]] Status post_response_url(std::string_view url,
                                           const OutboundMessage& message) override;
    [[nodiscard]] Status send_app_message(const config::Channel& channel, std::string_view user,
                                          const OutboundMessage& message) override;
    [[nodiscard]] Status send_custom_message(const config::Channel& channel,
                                             std::string_view openid,
                                             const OutboundMessage& message) override;
    [[nodiscard]] Status send_template_message(const config::Channel& channel,
                                               std::string_view openid,
                                               const TemplateMessage& message) override;
    [[nodiscard]] Result<std::string> get_autoreply_info(const config::Channel& channel) override;

private:
    // One app's token. `mutex` is held while fetching, so concurrent callers wait for that one
    // fetch instead of each asking the platform (a new token invalidates the previous one).
    struct TokenSlot {
        std::mutex mutex;
        std::string token;
        Clock::time_point refresh_at{};
    };

    // The channel's current token; a new one when none is cached, it is due, or it is `stale`.
    Result<std::string> token(const config::Channel& channel, std::string_view stale);
    struct Fetched {
        std::string token;
        Clock::time_point refresh_at;
    };
    Result<Fetched> fetch_token(const config::Channel& channel);
    TokenSlot& slot(const config::Channel& channel);
    // Calls `path` with the channel's token (a POST of `body`, or a GET without one) and answers
    // the accepted answer's body; on a token errcode, once more with a new token.
    Result<std::string> call_with_token(const config::Channel& channel, const std::string& base,
                                        std::string_view path,
                                        const std::optional<std::string>& body);

    HttpClient& http_;
    const config::Platform& platform_;
    const Clock& clock_;
    std::mutex slots_mutex_;
    // Key: kind, app id and secret, so that a changed secret gets its own token.
    std::map<std::string, std::unique_ptr<TokenSlot>> slots_;
};

}  // namespace groupdesk::wecom
