// Keyword matching on the hot path: match() on a 200-character, mostly Chinese message with
// 100, 1,000 and 10,000 rules (mostly contains, some exact and prefix, about 1% regex), with and
// without a hit, and the rebuild of an index of 10,000 rules after an edit.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "keywords/keyword_index.h"
#include "keywords/normalize.h"

namespace {

using namespace groupdesk::keywords;

// A deterministic generator, so that every run measures the same rules and messages.
struct Random {
    std::uint64_t state = 0x9E3779B97F4A7C15u;
    std::uint32_t next(std::uint32_t bound) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return static_cast<std::uint32_t>(state % bound);
    }
};

void append_utf8(std::string& out, char32_t c) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
}

// 600 characters spread over the CJK block, so keywords and messages share characters (and
// lead bytes) the way real ones do.
std::string random_word(Random& random, int characters) {
    std::string word;
    for (int i = 0; i < characters; ++i) append_utf8(word, 0x4E00 + 34 * random.next(600));
    return word;
}

std::vector<Rule> make_rules(int count) {
    Random random;
    std::vector<Rule> rules;
    for (int id = 1; id <= count; ++id) {
        Rule rule;
        rule.id = id;
        rule.priority = static_cast<int>(random.next(3));
        rule.reply = "reply";
        const std::uint32_t dice = random.next(100);
        if (dice == 0) {
            rule.match_type = MatchType::Regex;
            rule.keywords = {random_word(random, 2) + R"(.{0,6}\d{6,})"};
        } else if (dice < 6) {
            rule.match_type = MatchType::Exact;
            rule.keywords = {random_word(random, 2 + static_cast<int>(random.next(4)))};
        } else if (dice < 11) {
            rule.match_type = MatchType::Prefix;
            rule.keywords = {random_word(random, 2 + static_cast<int>(random.next(3)))};
        } else {
            rule.match_type = MatchType::Contains;
            rule.keywords = {random_word(random, 3 + static_cast<int>(random.next(3)))};
            if (random.next(4) == 0) {
                rule.keywords.push_back(random_word(random, 3 + static_cast<int>(random.next(3))));
            }
        }
        rules.push_back(std::move(rule));
    }
    return rules;
}

const MatchContext kWhere{"wecom", "wr-group-1", 14 * 60};

// 200 characters: Chinese with some ASCII and full-width punctuation; `keyword` (if any) in
// the middle. The seed is moved on until the message alone hits no rule.
std::string make_message(const KeywordIndex& index, const std::string& keyword) {
    Random random;
    for (;;) {
        std::string text;
        for (int i = 0; i < 12; ++i) {
            text += random_word(random, 12);
            text += i % 3 == 0 ? "，iPhone 15 " : "？";
        }
        const std::string normalized = normalize(text);
        if (!index.explain(normalized, kWhere).empty()) continue;
        return normalize(text.substr(0, text.size() / 2) + keyword + text.substr(text.size() / 2));
    }
}

void match_benchmark(benchmark::State& state, bool hit) {
    const std::vector<Rule> rules = make_rules(static_cast<int>(state.range(0)));
    auto built = KeywordIndex::build(rules);
    if (!built.ok()) {
        state.SkipWithError(built.error().message.c_str());
        return;
    }
    const KeywordIndex& index = **built;
    std::string keyword;
    for (const Rule& rule : rules) {  // the last contains rule: no special place in the index
        if (rule.match_type == MatchType::Contains) keyword = rule.keywords.front();
    }
    const std::string message = make_message(index, hit ? keyword : std::string());
    if ((index.match(message, kWhere) != nullptr) != hit) {
        state.SkipWithError("the message does not hit as intended");
        return;
    }
    for (auto _ : state) benchmark::DoNotOptimize(index.match(message, kWhere));
    state.counters["bytes"] = static_cast<double>(message.size());
}

void BM_MatchHit(benchmark::State& state) { match_benchmark(state, true); }
BENCHMARK(BM_MatchHit)->Arg(100)->Arg(1'000)->Arg(10'000);

void BM_MatchMiss(benchmark::State& state) { match_benchmark(state, false); }
BENCHMARK(BM_MatchMiss)->Arg(100)->Arg(1'000)->Arg(10'000);

void BM_Build(benchmark::State& state) {
    const std::vector<Rule> rules = make_rules(static_cast<int>(state.range(0)));
    for (auto _ : state) {
        auto index = KeywordIndex::build(rules);
        benchmark::DoNotOptimize(index);
    }
}
BENCHMARK(BM_Build)->Arg(10'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
