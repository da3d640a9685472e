// Percent decoding and query splitting; strict, since every callback query is machine-made.
#include "common/query_string.h"

namespace groupdesk {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    // Runs without an escape are copied whole: a callback's query is mostly such runs.
    for (std::size_t i = 0;;) {
        const std::size_t escape = text.find('%', i);
        out.append(text.substr(i, escape - i));
        if (escape == std::string_view::npos) return out;
        if (escape + 2 >= text.size()) return std::nullopt;  // needs two hex digits
        const int hi = hex_value(text[escape + 1]);
        const int lo = hex_value(text[escape + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i = escape + 3;
    }
}

Result<QueryParams> QueryParams::parse(std::string_view query) {
    QueryParams result;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        auto name = percent_decode(pair.substr(0, eq));
        auto value =
            percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (!name || !value) {
            return make_error(ErrorCode::InvalidArgument, "malformed percent escape in query");
        }
        result.params_.emplace_back(std::move(*name), std::move(*value));
    }
    return result;
}

std::optional<std::string_view> QueryParams::get(std::string_view name) const {
    for (const auto& [key, value] : params_) {
        if (key == name) return std::string_view{value};
    }
    return std::nullopt;
}

std::vector<std::string_view> QueryParams::names() const {
    std::vector<std::string_view> out;
    out.reserve(params_.size());
    for (const auto& [name, value] : params_) out.emplace_back(name);
    return out;
}

}  // namespace groupdesk
