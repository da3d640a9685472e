// A byte-level Aho–Corasick automaton: every occurrence of any of many literal patterns in one
// pass over a text. Written here because Debian packages no well-kept C++ Aho–Corasick library.
//
// Layout, chosen for speed at tens of thousands of patterns (each byte of text costs one
// dependent load on the common path):
// - A transition is a 32-bit word carrying the target state and two flags: whether the target
//   has a dense row, and whether it reports an occurrence; so the scan needs no state record to
//   decide what to do next.
// - States with more than eight children (the root, UTF-8 lead bytes), and the shallowest
//   states as far as a memory budget goes, have a dense row of complete transitions, one per
//   byte class (the bytes that occur in some pattern, plus one class for all others), so a
//   failure walk stops at them.
// - Every other state keeps up to eight labels in one 64-bit word, searched at once (SWAR),
//   beside its failure link: one 16-byte record.
// - Outputs are chained through dictionary-suffix links.
// - A long text is walked in four slices at once, so that four chains of loads overlap.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <string_view>
#include <vector>

namespace groupdesk::keywords::details {

class AhoCorasick {
public:
    static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

    // `patterns` must be distinct and non-empty; a pattern's id is its index.
    static AhoCorasick build(const std::vector<std::string_view>& patterns);

    // Calls on_hit(pattern_id, start, end) for every occurrence (in no set order).
    template <class OnHit>
    void scan(std::string_view text, OnHit&& on_hit) const {
        if (dense_.empty()) return;  // not built
        const std::size_t size = text.size();
        std::uint32_t first = kRoot;
        if (size < kSplitMinimum || size < 2 * kWalks * std::size_t{longest_}) {
            for (std::size_t i = 0; i < size; ++i) {
                first = next(first, static_cast<unsigned char>(text[i]));
                if (first & kReports) report(first, i + 1, on_hit);
            }
            return;
        }
        // kWalks walks at once, one per slice: the time per byte is the latency of one load,
        // so independent chains of loads overlap. Each walk but the first starts `longest_`
        // bytes before its slice, enough to be in the state a single walk would be in there.
        const std::size_t slice = size / kWalks;
        const char* const bytes = text.data();
        auto warm_up = [&](std::size_t from) {
            std::uint32_t at = kRoot;
            for (std::size_t i = from - longest_; i < from; ++i) {
                at = next(at, static_cast<unsigned char>(bytes[i]));
            }
            return at;
        };
        // Four named states rather than an array, so that they stay in registers.
        std::uint32_t at0 = kRoot;
        std::uint32_t at1 = warm_up(slice);
        std::uint32_t at2 = warm_up(2 * slice);
        std::uint32_t at3 = warm_up(3 * slice);
        for (std::size_t i = 0; i < slice; ++i) {
            at0 = next(at0, static_cast<unsigned char>(bytes[i]));
            at1 = next(at1, static_cast<unsigned char>(bytes[slice + i]));
            at2 = next(at2, static_cast<unsigned char>(bytes[2 * slice + i]));
            at3 = next(at3, static_cast<unsigned char>(bytes[3 * slice + i]));
            if ((at0 | at1 | at2 | at3) & kReports) {
                if (at0 & kReports) report(at0, i + 1, on_hit);
                if (at1 & kReports) report(at1, slice + i + 1, on_hit);
                if (at2 & kReports) report(at2, 2 * slice + i + 1, on_hit);
                if (at3 & kReports) report(at3, 3 * slice + i + 1, on_hit);
            }
        }
        std::uint32_t last = at3;  // the rest after the last whole slice
        for (std::size_t i = kWalks * slice; i < size; ++i) {
            last = next(last, static_cast<unsigned char>(text[i]));
            if (last & kReports) report(last, i + 1, on_hit);
        }
    }

    std::size_t state_count() const { return outputs_.size(); }
    std::size_t dense_state_count() const { return dense_.size() / classes_; }

private:
    // A transition: the target's id, or for a dense target the offset of its row.
    static constexpr std::uint32_t kDense = 1u << 31;
    static constexpr std::uint32_t kReports = 1u << 30;
    static constexpr std::uint32_t kIndexMask = kReports - 1;
    static constexpr std::uint32_t kRoot = kDense;  // dense row 0
    // Below this, a text is walked once from the start.
    static constexpr std::size_t kSplitMinimum = 64;
    static constexpr std::size_t kWalks = 4;

    struct Sparse {
        std::uint64_t labels = 0;  // byte k: label of edge k
        std::uint32_t edges = 0;   // first target << 4 | edge count (0..8)
        std::uint32_t fail = 0;    // a transition word
    };
    struct Output {
        std::uint32_t pattern = kNone;  // the pattern ending exactly here
        std::uint32_t length = 0;
        std::uint32_t dictionary_link = kNone;  // nearest suffix state that ends a pattern
    };

    std::uint32_t next(std::uint32_t at, unsigned char byte) const {
        const std::uint32_t byte_class = byte_class_[byte];
        for (;;) {
            if (at & kDense) return dense_[(at & kIndexMask) + byte_class];
            const Sparse& state = sparse_[at & kIndexMask];
            const std::uint64_t diff = state.labels ^ (0x0101010101010101ull * byte);
            const std::uint64_t found = (diff - 0x0101010101010101ull) & ~diff &
                                        0x8080808080808080ull & kCountMask[state.edges & 15];
            if (found) return targets_[(state.edges >> 4) + (std::countr_zero(found) >> 3)];
            at = state.fail;
        }
    }

    template <class OnHit>
    void report(std::uint32_t at, std::size_t end, OnHit& on_hit) const {
        for (std::uint32_t id = state_id(at); id != kNone; id = outputs_[id].dictionary_link) {
            const Output& out = outputs_[id];
            if (out.pattern != kNone) on_hit(out.pattern, end - out.length, end);
        }
    }

    std::uint32_t state_id(std::uint32_t at) const {
        return at & kDense ? (at & kIndexMask) / classes_ : at & kIndexMask;
    }

    static constexpr std::array<std::uint64_t, 9> kCountMask = {0x0ull,
                                                                0xFFull,
                                                                0xFFFFull,
                                                                0xFFFFFFull,
                                                                0xFFFFFFFFull,
                                                                0xFFFFFFFFFFull,
                                                                0xFFFFFFFFFFFFull,
                                                                0xFFFFFFFFFFFFFFull,
                                                                0xFFFFFFFFFFFFFFFFull};

    std::array<std::uint16_t, 256> byte_class_{};
    std::uint32_t classes_ = 1;
    std::uint32_t longest_ = 0;         // the longest pattern's length
    std::vector<std::uint32_t> dense_;  // `classes_` transitions per dense state; ids 0..D-1
    std::vector<Sparse> sparse_;        // by id (entries of dense states unused)
    std::vector<std::uint32_t> targets_;
    std::vector<Output> outputs_;  // by id
};

}  // namespace groupdesk::keywords::details
