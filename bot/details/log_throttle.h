// LogThrottle: lets an event that may repeat thousands of times a second write at most one log line
// a second, with the counts since the previous line.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

namespace groupdesk::bot::details {

class LogThrottle {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr auto kInterval = std::chrono::seconds(1);

    struct Line {
        std::array<std::uint64_t, 2> counts;
        double seconds;  // since the previous line; 0 for the first
    };

    // Counts one event of kind `which` (0 or 1). Returns the line to write when one is due: at
    // the first event, then at most once per kInterval. Counts left when the events stop are
    // reported with the next one (the metrics have the exact totals).
    std::optional<Line> note(std::size_t which, Clock::time_point now) {
        ++counts_[which];
        if (last_ && now - *last_ < kInterval) return std::nullopt;
        Line line{counts_, last_ ? std::chrono::duration<double>(now - *last_).count() : 0.0};
        counts_ = {};
        last_ = now;
        return line;
    }

private:
    std::array<std::uint64_t, 2> counts_{};
    std::optional<Clock::time_point> last_;
};

}  // namespace groupdesk::bot::details
