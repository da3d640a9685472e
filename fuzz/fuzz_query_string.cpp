// Fuzz target: percent_decode and QueryParams::parse on arbitrary query strings.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/query_string.h"
#include "fuzz/fuzz_support.h"

namespace {

using groupdesk::percent_decode;
using groupdesk::QueryParams;
using groupdesk::fuzz::fuzz_check;

// Every byte as %XX, upper- and lower-case hex in turn, so both spellings are decoded.
std::string percent_encode_all(std::string_view text) {
    static constexpr char kUpper[] = "0123456789ABCDEF";
    static constexpr char kLower[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size() * 3);
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char* digits = i % 2 == 0 ? kUpper : kLower;
        auto byte = static_cast<unsigned char>(text[i]);
        out.push_back('%');
        out.push_back(digits[byte >> 4]);
        out.push_back(digits[byte & 0x0f]);
    }
    return out;
}

// The input read as a list of (name, value) pairs: pairs end at NUL, a name ends at the first
// 0x01. Written out fully escaped, parse() must give each name's first value back. The oracle is
// the list itself, so nothing here repeats how the parser splits or decodes.
void check_pairs(std::string_view input) {
    std::vector<std::pair<std::string_view, std::string_view>> pairs;
    while (!input.empty() && pairs.size() < 16) {
        const std::size_t end = std::min(input.find('\0'), input.size());
        std::string_view pair = input.substr(0, end);
        input.remove_prefix(std::min(end + 1, input.size()));
        const std::size_t split = std::min(pair.find('\x01'), pair.size());
        pairs.emplace_back(pair.substr(0, split), pair.substr(std::min(split + 1, pair.size())));
    }
    std::string query;
    for (const auto& [name, value] : pairs) {
        if (!query.empty()) query += '&';
        query += percent_encode_all(name) + "=" + percent_encode_all(value);
    }
    auto params = QueryParams::parse(query);
    fuzz_check(params.ok(), "a fully escaped query parses");
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        const auto& [name, value] = pairs[i];
        bool first = true;
        for (std::size_t k = 0; k < i; ++k) first = first && pairs[k].first != name;
        if (!first || name.empty()) continue;
        auto got = params->get(name);
        fuzz_check(got && *got == value, "get() returns the first value given for a name");
    }
}

void check_parse(std::string_view input, bool input_decodes) {
    auto params = QueryParams::parse(input);
    // An escape needs two hex digits and neither '&' nor '=' is one, so no escape can straddle a
    // separator: the query parses exactly when the whole text percent-decodes.
    fuzz_check(params.ok() == input_decodes, "parse succeeds iff the whole query percent-decodes");
}

void check_round_trip(std::string_view input) {
    std::string encoded = percent_encode_all(input);
    auto back = percent_decode(encoded);
    fuzz_check(back && *back == input, "percent_decode(percent_encode(x)) == x");

    // Any bytes survive as a value and as a name; '+' stays '+'.
    std::string query = "v=" + encoded + "&x=1&" + encoded + "=n";
    auto params = QueryParams::parse(query);
    fuzz_check(params.ok(), "a fully escaped query parses");
    auto value = params->get("v");
    fuzz_check(value && *value == input, "an escaped value comes back unchanged");
    if (input != "v" && input != "x") {
        auto by_name = params->get(input);
        fuzz_check(by_name && *by_name == "n", "an escaped name comes back unchanged");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);

    auto decoded = percent_decode(input);
    if (decoded) {
        fuzz_check(decoded->size() <= input.size(), "decoding never makes the text longer");
    }
    if (input.find('%') == std::string_view::npos) {
        fuzz_check(decoded && *decoded == input, "text without '%' decodes to itself");
    }
    check_parse(input, decoded.has_value());
    check_pairs(input);
    check_round_trip(input);
    return 0;
}
