// The compiled index: keyword rules ranked once in precedence order, so that "which rule wins"
// is a comparison of two integers on the hot path; one Aho–Corasick automaton over every
// literal keyword; one RE2::Set over every regex.
#include "keywords/keyword_index.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <string>
#include <unordered_map>

#include "keywords/details/aho_corasick.h"
#include "keywords/details/eligibility.h"
#include "keywords/details/regex_text.h"
#include "keywords/normalize.h"

namespace groupdesk::keywords {
namespace {

using details::occurs_as;
using details::scope_specificity;
using details::why_not;
using details::within_hours;

constexpr std::uint32_t kNone = details::AhoCorasick::kNone;
// Room for the DFA of a set of hundreds of patterns, beyond RE2's default 8 MiB; should the DFA
// still run out, each_regex_hit() tries the patterns one by one.
constexpr std::int64_t kRegexMemory = std::int64_t{64} << 20;
// The shortest literal worth filtering on: one Chinese character, or three ASCII letters.
constexpr int kMinAtomBytes = 3;

struct RankedRule {
    const Rule* rule = nullptr;
    MatchType type = MatchType::Contains;
};

RE2::Options regex_options() {
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingUTF8);
    options.set_log_errors(false);
    options.set_max_mem(kRegexMemory);
    // Messages are folded to lower case; a pattern keeps its escapes (\D, \S) as written, so
    // its letters match either case instead of being folded themselves.
    options.set_case_sensitive(false);
    return options;
}

Error rule_error(const Rule& rule, const std::string& what, std::string_view public_reason) {
    Error error = make_error(ErrorCode::InvalidArgument,
                             "keyword rule " + std::to_string(rule.id) + ": " + what);
    error.field = "keywords";
    error.public_reason = std::string(public_reason);
    return error;
}

}  // namespace

std::string_view to_string(NotChosen why) noexcept {
    switch (why) {
        case NotChosen::None:
            return "chosen";
        case NotChosen::LowerPriority:
            return "lower_priority";
        case NotChosen::OutOfScope:
            return "out_of_scope";
        case NotChosen::Disabled:
            return "disabled";
        case NotChosen::OutsideHours:
            return "outside_hours";
    }
    return "?";
}

struct KeywordIndex::Impl {
    std::vector<Rule> rules;                  // in id order
    std::vector<RankedRule> ranked;           // keyword rules, in precedence order (index = rank)
    details::AhoCorasick literals;            // over the distinct normalised literal keywords
    std::vector<std::uint32_t> entry_begin;   // per pattern: its ranks in `entry_ranks`
    std::vector<std::uint32_t> entry_ranks;   // ascending within a pattern
    std::vector<std::uint32_t> pattern_atom;  // per pattern: the prefilter's atom, or kNone
    std::unique_ptr<RE2::Set> regex_set;
    std::vector<std::uint32_t> regex_ranks;  // per set index
    std::uint32_t best_enabled_regex_rank = kNone;
    // Which regexes could match, from the literal atoms they need (found by `literals`): most
    // messages contain none, and then the set is not run at all. It also holds each pattern
    // alone, for when the set's DFA gives up.
    std::unique_ptr<re2::FilteredRE2> prefilter;
    std::uint32_t best_unfiltered_regex_rank = kNone;  // enabled, with no atom: always run
    std::vector<int> always_atoms;                     // atoms a message could hold in another case

    std::vector<const Rule*> follow_rules;   // by priority desc, then id
    std::vector<const Rule*> default_rules;  // by priority desc, then id

    Status add_regexes(const std::vector<std::string>& patterns,
                       const std::vector<std::string_view>& sources,
                       const std::vector<std::uint32_t>& ranks, std::vector<std::string>& atoms);
    // Whether a regex rule ranking above `best` may match, given the atoms found.
    bool regex_may_win(std::uint32_t best, std::vector<int>& found_atoms) const;

    // Calls on_rank(rank) for each keyword rule whose keywords match (a rank may repeat).
    template <class OnRank>
    void each_regex_hit(std::string_view text, OnRank&& on_rank) const;
};

template <class OnRank>
void KeywordIndex::Impl::each_regex_hit(std::string_view text, OnRank&& on_rank) const {
    if (!regex_set) return;
    // Reused per thread: the hot path allocates nothing of its own.
    thread_local std::vector<int> hits;
    RE2::Set::ErrorInfo error{RE2::Set::kNoError};
    if (regex_set->Match(text, &hits, &error)) {
        for (int index : hits) on_rank(regex_ranks[static_cast<std::size_t>(index)]);
        return;
    }
    if (error.kind == RE2::Set::kNoError) return;
    // The set's DFA ran out of memory on this text: each pattern alone (NFA, still linear).
    for (std::size_t index = 0; index < regex_ranks.size(); ++index) {
        if (RE2::PartialMatch(text, prefilter->GetRE2(static_cast<int>(index)))) {
            on_rank(regex_ranks[index]);
        }
    }
}

Status KeywordIndex::Impl::add_regexes(const std::vector<std::string>& patterns,
                                       const std::vector<std::string_view>& sources,
                                       const std::vector<std::uint32_t>& ranks,
                                       std::vector<std::string>& atoms) {
    const RE2::Options options = regex_options();
    regex_set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
    prefilter = std::make_unique<re2::FilteredRE2>(kMinAtomBytes);
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        const Rule& rule = *ranked[ranks[i]].rule;
        // Alone first, for an error that names the rule and says what RE2 found.
        const RE2 alone(patterns[i], options);
        if (!alone.ok()) {
            return rule_error(
                rule,
                "regex \"" + std::string(sources[i]) + "\" does not compile: " + alone.error(),
                "regex does not compile: " + alone.error());
        }
        std::string error;
        int id = -1;
        if (regex_set->Add(patterns[i], &error) < 0 ||
            prefilter->Add(patterns[i], options, &id) != RE2::NoError) {
            return rule_error(rule, "regex does not compile: " + error,
                              "regex does not compile: " + error);
        }
        regex_ranks.push_back(ranks[i]);
        if (rule.enabled) best_enabled_regex_rank = std::min(best_enabled_regex_rank, ranks[i]);
    }
    if (!regex_set->Compile()) {
        return make_error(ErrorCode::ResourceExhausted,
                          "the regex rules together are too large to compile");
    }
    prefilter->Compile(&atoms);
    std::vector<int> unfiltered;
    prefilter->AllPotentials({}, &unfiltered);
    for (int index : unfiltered) {
        const std::uint32_t rank = regex_ranks[static_cast<std::size_t>(index)];
        if (ranked[rank].rule->enabled) {
            best_unfiltered_regex_rank = std::min(best_unfiltered_regex_rank, rank);
        }
    }
    // Atoms come lower-cased (Unicode), messages only ASCII-folded: an atom with a letter
    // beyond ASCII counts as found in every message, so that no regex is wrongly filtered out.
    for (std::size_t atom = 0; atom < atoms.size(); ++atom) {
        if (atoms[atom].empty() || details::may_differ_in_case(atoms[atom])) {
            always_atoms.push_back(static_cast<int>(atom));
        }
    }
    return ok_status();
}

bool KeywordIndex::Impl::regex_may_win(std::uint32_t best, std::vector<int>& found_atoms) const {
    if (best_enabled_regex_rank >= best) return false;
    if (best_unfiltered_regex_rank < best) return true;
    if (found_atoms.empty() && always_atoms.empty()) return false;
    found_atoms.insert(found_atoms.end(), always_atoms.begin(), always_atoms.end());
    std::sort(found_atoms.begin(), found_atoms.end());
    found_atoms.erase(std::unique(found_atoms.begin(), found_atoms.end()), found_atoms.end());
    thread_local std::vector<int> potentials;
    prefilter->AllPotentials(found_atoms, &potentials);
    return std::any_of(potentials.begin(), potentials.end(), [&](int index) {
        const std::uint32_t rank = regex_ranks[static_cast<std::size_t>(index)];
        return rank < best && ranked[rank].rule->enabled;
    });
}

KeywordIndex::KeywordIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KeywordIndex::~KeywordIndex() = default;

Result<std::shared_ptr<const KeywordIndex>> KeywordIndex::build(std::vector<Rule> rules) {
    auto impl = std::make_unique<Impl>();
    std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) { return a.id < b.id; });
    for (std::size_t i = 1; i < rules.size(); ++i) {
        if (rules[i].id == rules[i - 1].id) {
            return make_error(ErrorCode::InvalidArgument,
                              "keyword rule " + std::to_string(rules[i].id) + " appears twice");
        }
    }
    impl->rules = std::move(rules);

    for (const Rule& rule : impl->rules) {
        if (rule.active_hours &&
            (rule.active_hours->start_minute < 0 || rule.active_hours->start_minute >= 1440 ||
             rule.active_hours->end_minute < 0 || rule.active_hours->end_minute > 1440)) {
            Error error = rule_error(rule, "active hours out of range", "bad active hours");
            error.field = "active_hours";
            return error;
        }
        switch (rule.kind) {
            case RuleKind::Keyword:
                impl->ranked.push_back({&rule, rule.match_type});
                break;
            case RuleKind::Follow:
                impl->follow_rules.push_back(&rule);
                break;
            case RuleKind::Default:
                impl->default_rules.push_back(&rule);
                break;
        }
    }
    // Rules are already in id order, so a stable sort leaves equal keys by id.
    std::stable_sort(impl->ranked.begin(), impl->ranked.end(),
                     [](const RankedRule& a, const RankedRule& b) {
                         if (a.rule->priority != b.rule->priority) {
                             return a.rule->priority > b.rule->priority;
                         }
                         return a.type < b.type;  // the enum is declared exact first, regex last
                     });
    for (auto* special : {&impl->follow_rules, &impl->default_rules}) {
        std::stable_sort(special->begin(), special->end(),
                         [](const Rule* a, const Rule* b) { return a->priority > b->priority; });
    }

    // One normalised keyword per (rank, keyword); literal and regex ones apart.
    std::vector<std::string> literals;
    std::vector<std::uint32_t> literal_ranks;
    std::vector<std::string> patterns;
    std::vector<std::string_view> pattern_sources;  // as the admin wrote them, for errors
    std::vector<std::uint32_t> pattern_ranks;
    for (std::uint32_t rank = 0; rank < impl->ranked.size(); ++rank) {
        const Rule& rule = *impl->ranked[rank].rule;
        if (rule.keywords.empty()) return rule_error(rule, "has no keyword", "no keyword");
        for (const std::string& keyword : rule.keywords) {
            const bool regex = rule.match_type == MatchType::Regex;
            std::string text = regex ? details::normalize_regex(keyword) : normalize(keyword);
            if (text.empty()) return rule_error(rule, "has an empty keyword", "empty keyword");
            (regex ? patterns : literals).push_back(std::move(text));
            (regex ? pattern_ranks : literal_ranks).push_back(rank);
            if (regex) pattern_sources.push_back(keyword);
        }
    }

    // Regexes first: the atoms their prefilter needs are searched by the same automaton.
    std::vector<std::string> atoms;
    if (!patterns.empty()) {
        if (Status added = impl->add_regexes(patterns, pattern_sources, pattern_ranks, atoms);
            !added.ok()) {
            return std::move(added).error();
        }
    }

    // Distinct texts become the automaton's patterns; each lists its rules' ranks and the atom
    // it is, if any.
    std::unordered_map<std::string_view, std::uint32_t> pattern_of;
    pattern_of.reserve(literals.size() + atoms.size());
    std::vector<std::string_view> distinct;
    std::vector<std::vector<std::uint32_t>> ranks_of;
    auto pattern_for = [&](std::string_view text) {
        auto [it, added] = pattern_of.emplace(text, static_cast<std::uint32_t>(distinct.size()));
        if (added) {
            distinct.push_back(text);
            ranks_of.emplace_back();
            impl->pattern_atom.push_back(kNone);
        }
        return it->second;
    };
    for (std::size_t i = 0; i < literals.size(); ++i) {
        ranks_of[pattern_for(literals[i])].push_back(literal_ranks[i]);
    }
    for (std::size_t atom = 0; atom < atoms.size(); ++atom) {
        if (atoms[atom].empty() || details::may_differ_in_case(atoms[atom])) continue;
        impl->pattern_atom[pattern_for(atoms[atom])] = static_cast<std::uint32_t>(atom);
    }
    impl->literals = details::AhoCorasick::build(distinct);
    impl->entry_begin.reserve(distinct.size() + 1);
    for (auto& ranks : ranks_of) {
        std::sort(ranks.begin(), ranks.end());
        ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
        impl->entry_begin.push_back(static_cast<std::uint32_t>(impl->entry_ranks.size()));
        impl->entry_ranks.insert(impl->entry_ranks.end(), ranks.begin(), ranks.end());
    }
    impl->entry_begin.push_back(static_cast<std::uint32_t>(impl->entry_ranks.size()));
    return std::shared_ptr<const KeywordIndex>(new KeywordIndex(std::move(impl)));
}

const Rule* KeywordIndex::match(std::string_view normalized, const MatchContext& where) const {
    const Impl& impl = *impl_;
    std::uint32_t best = kNone;
    // Ranks above `best` cannot win, so most hits cost one comparison.
    auto consider = [&](std::uint32_t rank) {
        if (rank < best && why_not(*impl.ranked[rank].rule, where) == NotChosen::None) {
            best = rank;
        }
    };
    thread_local std::vector<int> found_atoms;
    found_atoms.clear();
    impl.literals.scan(normalized, [&](std::uint32_t pattern, std::size_t start, std::size_t end) {
        const auto atom = static_cast<int>(impl.pattern_atom[pattern]);
        // An atom repeated back to back ("aaaa…") is kept once.
        if (atom != static_cast<int>(kNone) &&
            (found_atoms.empty() || found_atoms.back() != atom)) {
            found_atoms.push_back(atom);
        }
        for (std::uint32_t e = impl.entry_begin[pattern]; e < impl.entry_begin[pattern + 1]; ++e) {
            const std::uint32_t rank = impl.entry_ranks[e];
            if (rank >= best) break;  // ascending: the rest rank lower still
            if (occurs_as(impl.ranked[rank].type, start, end, normalized.size())) consider(rank);
        }
    });
    // The set runs only when a regex rule ranking above the best literal answer may match.
    if (impl.regex_may_win(best, found_atoms)) impl.each_regex_hit(normalized, consider);
    return best == kNone ? nullptr : impl.ranked[best].rule;
}

std::vector<Candidate> KeywordIndex::explain(std::string_view normalized,
                                             const MatchContext& where) const {
    const Impl& impl = *impl_;
    std::vector<std::uint32_t> ranks;
    impl.literals.scan(normalized, [&](std::uint32_t pattern, std::size_t start, std::size_t end) {
        for (std::uint32_t e = impl.entry_begin[pattern]; e < impl.entry_begin[pattern + 1]; ++e) {
            const std::uint32_t rank = impl.entry_ranks[e];
            if (occurs_as(impl.ranked[rank].type, start, end, normalized.size())) {
                ranks.push_back(rank);
            }
        }
    });
    impl.each_regex_hit(normalized, [&](std::uint32_t rank) { ranks.push_back(rank); });
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());

    std::vector<Candidate> candidates;
    candidates.reserve(ranks.size());
    bool chosen = false;
    for (std::uint32_t rank : ranks) {
        const Rule* rule = impl.ranked[rank].rule;
        NotChosen why = why_not(*rule, where);
        if (why == NotChosen::None) {
            if (chosen) why = NotChosen::LowerPriority;
            chosen = true;
        }
        candidates.push_back({rule, why});
    }
    return candidates;
}

const Rule* KeywordIndex::special(RuleKind kind, const MatchContext& where) const {
    if (kind == RuleKind::Keyword) return nullptr;
    const auto& candidates = kind == RuleKind::Follow ? impl_->follow_rules : impl_->default_rules;
    const Rule* best = nullptr;
    int best_specificity = -1;
    for (const Rule* rule : candidates) {  // by priority, then id: the first of a level wins
        if (!rule->enabled || !within_hours(rule->active_hours, where.minute_of_day)) continue;
        const int specificity = scope_specificity(rule->scope, where);
        if (specificity > best_specificity) {
            best = rule;
            best_specificity = specificity;
        }
    }
    return best;
}

const std::vector<Rule>& KeywordIndex::rules() const { return impl_->rules; }

const Rule* KeywordIndex::find(std::int64_t id) const {
    const auto& rules = impl_->rules;
    auto it = std::lower_bound(rules.begin(), rules.end(), id,
                               [](const Rule& rule, std::int64_t key) { return rule.id < key; });
    return it != rules.end() && it->id == id ? &*it : nullptr;
}

}  // namespace groupdesk::keywords
