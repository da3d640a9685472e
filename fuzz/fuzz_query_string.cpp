// Fuzz target: percent_decode and QueryParams::parse on arbitrary query strings.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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

// The first non-empty '&'-separated pair, split at its first '='.
bool first_pair(std::string_view query, std::string_view& name, std::string_view& value) {
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        name = pair.substr(0, eq);
        value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        return true;
    }
    return false;
}

void check_parse(std::string_view input, bool input_decodes) {
    auto params = QueryParams::parse(input);
    // An escape needs two hex digits and neither '&' nor '=' is one, so no escape can straddle a
    // separator: the query parses exactly when the whole text percent-decodes.
    fuzz_check(params.ok() == input_decodes, "parse succeeds iff the whole query percent-decodes");
    if (!params.ok()) return;

    std::string_view name;
    std::string_view value;
    if (first_pair(input, name, value)) {
        auto want_name = percent_decode(name);
        auto want_value = percent_decode(value);
        fuzz_check(want_name && want_value, "the pairs of a parsed query decode");
        auto got = params->get(*want_name);
        fuzz_check(got && *got == *want_value, "get() returns the first pair's value");
    }
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
    check_round_trip(input);
    return 0;
}
