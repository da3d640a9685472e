// LatencyHistogram: a Prometheus histogram of durations kept in atomics, so that observing from
// any thread takes no lock and a scrape reads it as it goes. Buckets are fixed at compile time.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace groupdesk {

template <std::size_t N>
class LatencyHistogram {
public:
    // `bounds`: ascending upper bounds in seconds; it must outlive the histogram (a constant).
    explicit constexpr LatencyHistogram(const std::array<double, N>& bounds) : bounds_(bounds) {}

    void observe(double seconds) noexcept {
        std::size_t slot = 0;
        while (slot < N && seconds > bounds_[slot]) ++slot;  // slot N: above every bound
        counts_[slot].fetch_add(1, std::memory_order_relaxed);
        count_.fetch_add(1, std::memory_order_relaxed);
        sum_nanos_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
    }

    std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

    // Appends the `name`_bucket lines (cumulative, then +Inf), `name`_sum and `name`_count, each
    // with `labels` ("channel=\"x\"").
    void render(std::string& out, std::string_view name, std::string_view labels) const {
        const std::string head = std::string(name) + "_bucket{" + std::string(labels) + ",le=\"";
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < N; ++i) {
            cumulative += counts_[i].load(std::memory_order_relaxed);
            out += head + number(bounds_[i]) + "\"} " + std::to_string(cumulative) + "\n";
        }
        const std::string count = std::to_string(count_.load(std::memory_order_relaxed));
        out += head + "+Inf\"} " + count + "\n";
        out += std::string(name) + "_sum{" + std::string(labels) + "} " +
               number(double(sum_nanos_.load(std::memory_order_relaxed)) / 1e9) + "\n";
        out += std::string(name) + "_count{" + std::string(labels) + "} " + count + "\n";
    }

private:
    static std::string number(double v) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%g", v);
        return buffer;
    }

    const std::array<double, N>& bounds_;
    std::array<std::atomic<std::uint64_t>, N + 1> counts_{};  // not cumulative; last: above all
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> sum_nanos_{0};
};

}  // namespace groupdesk
