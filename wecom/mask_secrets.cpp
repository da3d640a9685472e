// Masks the credentials in URLs and platform answers.
#include "wecom/mask_secrets.h"

#include <array>
#include <cctype>

namespace groupdesk::wecom {
namespace {

constexpr std::array<std::string_view, 4> kSecretParams = {
    "access_token=", "key=", "corpsecret=", "secret="};
constexpr std::string_view kResponsePath = "/aibot/response";
constexpr std::string_view kMask = "***";

bool ends_value(char c) {
    return c == '&' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' || c == ',' ||
           std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// The length of the parameter name at text[i] (after a non-word character), 0 if none.
std::size_t secret_param_at(std::string_view text, std::size_t i) {
    if (i > 0 && word_char(text[i - 1])) return 0;  // "webhook_key=" is another parameter
    for (std::string_view name : kSecretParams) {
        if (text.substr(i, name.size()) == name) return name.size();
    }
    return 0;
}

}  // namespace

std::string mask_secrets(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.substr(i, kResponsePath.size()) == kResponsePath) {
            // Copy the path up to its query, then mask the query as a whole.
            std::size_t j = i + kResponsePath.size();
            while (j < text.size() && text[j] != '?' && !ends_value(text[j])) ++j;
            out.append(text.substr(i, j - i));
            i = j;
            if (i < text.size() && text[i] == '?') {
                out.append("?").append(kMask);
                for (++i; i < text.size() && text[i] != '#' && text[i] != '"' &&
                          !std::isspace(static_cast<unsigned char>(text[i]));) {
                    ++i;
                }
            }
            continue;
        }
        if (const std::size_t name = secret_param_at(text, i); name > 0) {
            out.append(text.substr(i, name)).append(kMask);
            i += name;
            while (i < text.size() && !ends_value(text[i])) ++i;
            continue;
        }
        out.push_back(text[i++]);
    }
    return out;
}

}  // namespace groupdesk::wecom
