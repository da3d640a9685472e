// Building the automaton: a trie from the sorted patterns (so every state's children arrive in
// label order), numbered breadth first; failure and dictionary links; then the compact form
// described in the header, where dense states come first.
#include "keywords/details/aho_corasick.h"

#include <algorithm>
#include <numeric>

namespace groupdesk::keywords::details {
namespace {

constexpr std::uint32_t kNone = AhoCorasick::kNone;
constexpr std::uint32_t kMaxSparseEdges = 8;  // what one 64-bit label word holds
// Dense rows for the shallowest states, beyond those that need one: measured at 10,000
// keywords, 2 MiB takes a 500-byte Chinese message from ~3.7 to ~2.4 µs; more barely helps.
constexpr std::size_t kDenseBudgetBytes = std::size_t{2} << 20;

// The trie in breadth-first numbering, with the links of the textbook construction.
struct Trie {
    std::vector<std::uint32_t> edge_begin;  // per state, into labels/children; one extra at end
    std::vector<unsigned char> labels;      // sorted per state
    std::vector<std::uint32_t> children;
    std::vector<std::uint32_t> fail;
    std::vector<std::uint32_t> pattern;
    std::vector<std::uint32_t> dictionary_link;

    std::uint32_t size() const { return static_cast<std::uint32_t>(fail.size()); }
    std::uint32_t edge_count(std::uint32_t s) const { return edge_begin[s + 1] - edge_begin[s]; }
    std::uint32_t child(std::uint32_t s, unsigned char byte) const {
        const auto first = labels.begin() + edge_begin[s];
        const auto last = labels.begin() + edge_begin[s + 1];
        const auto it = std::lower_bound(first, last, byte);
        return it != last && *it == byte ? children[static_cast<std::size_t>(it - labels.begin())]
                                         : kNone;
    }
};

Trie make_trie(const std::vector<std::string_view>& patterns) {
    // Inserted in byte order: a pattern shares its longest common prefix with the previous
    // one, so only the previous pattern's path is needed. Nodes come out depth first.
    std::vector<std::uint32_t> sorted(patterns.size());
    std::iota(sorted.begin(), sorted.end(), 0u);
    std::sort(sorted.begin(), sorted.end(),
              [&](std::uint32_t a, std::uint32_t b) { return patterns[a] < patterns[b]; });
    std::vector<std::uint32_t> parent{0};
    std::vector<unsigned char> label{0};
    std::vector<std::uint32_t> pattern{kNone};
    std::vector<std::uint32_t> path{0};  // path[d]: the node at depth d of the previous pattern
    std::string_view previous;
    for (std::uint32_t id : sorted) {
        const std::string_view text = patterns[id];
        std::size_t common = 0;
        while (common < text.size() && common < previous.size() &&
               text[common] == previous[common]) {
            ++common;
        }
        path.resize(common + 1);
        for (std::size_t d = common; d < text.size(); ++d) {
            parent.push_back(path[d]);
            label.push_back(static_cast<unsigned char>(text[d]));
            pattern.push_back(kNone);
            path.push_back(static_cast<std::uint32_t>(parent.size() - 1));
        }
        pattern[path[text.size()]] = id;
        previous = text;
    }
    const auto count = static_cast<std::uint32_t>(parent.size());

    // Children per node (creation order is label order), then breadth-first numbering.
    std::vector<std::uint32_t> child_begin(count + 1, 0);
    for (std::uint32_t v = 1; v < count; ++v) ++child_begin[parent[v] + 1];
    std::partial_sum(child_begin.begin(), child_begin.end(), child_begin.begin());
    std::vector<std::uint32_t> children(count - 1);
    std::vector<std::uint32_t> fill(child_begin.begin(), child_begin.end() - 1);
    for (std::uint32_t v = 1; v < count; ++v) children[fill[parent[v]]++] = v;
    std::vector<std::uint32_t> order{0};  // order[new] = old
    order.reserve(count);
    for (std::size_t head = 0; head < order.size(); ++head) {
        const std::uint32_t v = order[head];
        for (std::uint32_t k = child_begin[v]; k < child_begin[v + 1]; ++k) {
            order.push_back(children[k]);
        }
    }
    std::vector<std::uint32_t> renumbered(count);
    for (std::uint32_t n = 0; n < count; ++n) renumbered[order[n]] = n;

    Trie trie;
    trie.edge_begin.reserve(count + 1);
    trie.labels.reserve(count);
    trie.children.reserve(count);
    trie.pattern.resize(count);
    for (std::uint32_t n = 0; n < count; ++n) {
        const std::uint32_t v = order[n];
        trie.edge_begin.push_back(static_cast<std::uint32_t>(trie.labels.size()));
        for (std::uint32_t k = child_begin[v]; k < child_begin[v + 1]; ++k) {
            trie.labels.push_back(label[children[k]]);
            trie.children.push_back(renumbered[children[k]]);
        }
        trie.pattern[n] = pattern[v];
    }
    trie.edge_begin.push_back(static_cast<std::uint32_t>(trie.labels.size()));

    // Failure links breadth first: each from its parent's, which is shallower.
    trie.fail.assign(count, 0);
    trie.dictionary_link.assign(count, kNone);
    for (std::uint32_t s = 0; s < count; ++s) {
        for (std::uint32_t k = trie.edge_begin[s]; k < trie.edge_begin[s + 1]; ++k) {
            const std::uint32_t v = trie.children[k];
            const unsigned char byte = trie.labels[k];
            std::uint32_t f = s == 0 ? kNone : trie.fail[s];
            std::uint32_t target = 0;
            for (; f != kNone; f = f == 0 ? kNone : trie.fail[f]) {
                target = trie.child(f, byte);
                if (target != kNone) break;
            }
            trie.fail[v] = f == kNone ? 0 : target;
            const std::uint32_t to = trie.fail[v];
            trie.dictionary_link[v] = trie.pattern[to] != kNone ? to : trie.dictionary_link[to];
        }
    }
    return trie;
}

}  // namespace

AhoCorasick AhoCorasick::build(const std::vector<std::string_view>& patterns) {
    AhoCorasick automaton;
    for (std::string_view pattern : patterns) {
        automaton.longest_ =
            std::max(automaton.longest_, static_cast<std::uint32_t>(pattern.size()));
    }
    const Trie trie = make_trie(patterns);
    const std::uint32_t count = trie.size();

    // Byte classes: one per byte that occurs in a pattern, and class 0 for all the others
    // (which lead back to the root from anywhere).
    std::array<bool, 256> used{};
    for (unsigned char byte : trie.labels) used[byte] = true;
    std::uint32_t classes = 0;
    if (!std::all_of(used.begin(), used.end(), [](bool u) { return u; })) ++classes;
    std::array<unsigned char, 257> representative{};
    for (unsigned b = 0; b < 256; ++b) {
        if (!used[b]) continue;
        automaton.byte_class_[b] = static_cast<std::uint16_t>(classes);
        representative[classes++] = static_cast<unsigned char>(b);
    }
    automaton.classes_ = classes;

    // Ids: dense states first (the root is 0), then the sparse ones, each in BFS order.
    std::vector<std::uint32_t> id(count);
    std::vector<bool> dense(count);
    std::uint32_t dense_count = 0;
    // Text spends most of its time near the root, so the shallowest states get rows too, as
    // far as the budget goes: one load per byte there instead of a failure walk.
    const std::size_t budget_rows = kDenseBudgetBytes / (sizeof(std::uint32_t) * classes);
    for (std::uint32_t s = 0; s < count; ++s) {
        dense[s] = s == 0 || trie.edge_count(s) > kMaxSparseEdges || s < budget_rows;
        if (dense[s]) id[s] = dense_count++;
    }
    for (std::uint32_t s = 0, next_id = dense_count; s < count; ++s) {
        if (!dense[s]) id[s] = next_id++;
    }
    auto word = [&](std::uint32_t s) {
        std::uint32_t w = dense[s] ? kDense | (id[s] * classes) : id[s];
        if (trie.pattern[s] != kNone || trie.dictionary_link[s] != kNone) w |= kReports;
        return w;
    };

    // Dense rows, breadth first: a missing edge takes the failure state's transition, which is
    // a row lookup once the walk meets a dense state (all shallower rows are complete by then).
    automaton.dense_.assign(static_cast<std::size_t>(dense_count) * classes, word(0));
    auto row = [&](std::uint32_t s) { return automaton.dense_.data() + id[s] * classes; };
    for (std::uint32_t s = 0; s < count; ++s) {
        if (!dense[s]) continue;
        std::uint32_t* out = row(s);
        for (std::uint32_t k = 0; k < classes; ++k) {
            const unsigned char byte = representative[k];
            if (!used[byte]) continue;  // class 0: back to the root, as filled
            std::uint32_t target = kNone;
            for (std::uint32_t f = s;; f = trie.fail[f]) {
                target = trie.child(f, byte);
                if (target != kNone) {
                    target = word(target);
                    break;
                }
                if (f == 0) {
                    target = word(0);
                    break;
                }
                if (f != s && dense[f]) {
                    target = row(f)[k];
                    break;
                }
            }
            out[k] = target;
        }
    }

    // Sparse records, their edges, and the outputs, by id.
    automaton.sparse_.resize(count);
    automaton.outputs_.resize(count);
    for (std::uint32_t s = 0; s < count; ++s) {
        Output& output = automaton.outputs_[id[s]];
        if (trie.pattern[s] != kNone) {
            output.pattern = trie.pattern[s];
            output.length = static_cast<std::uint32_t>(patterns[trie.pattern[s]].size());
        }
        if (trie.dictionary_link[s] != kNone) output.dictionary_link = id[trie.dictionary_link[s]];
        if (dense[s]) continue;
        Sparse& record = automaton.sparse_[id[s]];
        const std::uint32_t edges = trie.edge_count(s);
        record.edges = static_cast<std::uint32_t>(automaton.targets_.size()) << 4 | edges;
        record.fail = word(trie.fail[s]);
        for (std::uint32_t k = 0; k < edges; ++k) {
            const std::uint32_t e = trie.edge_begin[s] + k;
            record.labels |= std::uint64_t{trie.labels[e]} << (8 * k);
            automaton.targets_.push_back(word(trie.children[e]));
        }
    }
    return automaton;
}

}  // namespace groupdesk::keywords::details
