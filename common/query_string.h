// Query-string parsing for platform callbacks. The platforms percent-encode base64 ("%2B %2F
// %3D"); a literal '+' must stay '+' (it is base64, not a space), so this is not form decoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace groupdesk {

// Decodes %XX escapes. A '%' not followed by two hex digits is an error (nullopt).
std::optional<std::string> percent_decode(std::string_view text);

class QueryParams {
public:
    // Splits on '&' and the first '=' of each pair, percent-decoding names and values.
    static Result<QueryParams> parse(std::string_view query);

    // The first value of the parameter, nullopt when absent.
    std::optional<std::string_view> get(std::string_view name) const;
    // Every parameter's name, in order (repeats included): for refusing unknown ones.
    std::vector<std::string_view> names() const;

private:
    std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace groupdesk
