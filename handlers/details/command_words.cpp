// Grammar tables of the ticket commands and the did-you-mean distance.
#include "handlers/details/command_words.h"

#include <algorithm>
#include <array>
#include <vector>

#include "common/ascii.h"
#include "handlers/mention.h"

namespace groupdesk::handlers::details {
namespace {

using enum CommandKind;

constexpr std::array<CommandWord, 21> kCommandWords = {{
    {"工单", Create, Language::Zh},     {"报修", Create, Language::Zh},
    {"new", Create, Language::En},      {"ticket", Create, Language::En},
    {"查询", Show, Language::Zh},       {"status", Show, Language::En},
    {"列表", List, Language::Zh},       {"list", List, Language::En},
    {"指派", Assign, Language::Zh},     {"assign", Assign, Language::En},
    {"备注", Comment, Language::Zh},    {"comment", Comment, Language::En},
    {"接单", Start, Language::Zh},      {"处理中", Start, Language::Zh},
    {"start", Start, Language::En},     {"解决", Resolve, Language::Zh},
    {"resolve", Resolve, Language::En}, {"关闭", Close, Language::Zh},
    {"close", Close, Language::En},     {"重开", Reopen, Language::Zh},
    {"reopen", Reopen, Language::En},
}};

struct ScopeWord {
    std::string_view word;
    ListScope scope;
};
constexpr std::array<ScopeWord, 6> kScopeWords = {{
    {"open", ListScope::Open},
    {"待处理", ListScope::Open},
    {"mine", ListScope::Mine},
    {"我的", ListScope::Mine},
    {"all", ListScope::All},
    {"全部", ListScope::All},
}};

struct PriorityWord {
    std::string_view word;
    tickets::Priority priority;
};
constexpr std::array<PriorityWord, 10> kPriorityWords = {{
    {"低", tickets::Priority::Low},
    {"low", tickets::Priority::Low},
    {"中", tickets::Priority::Normal},
    {"普通", tickets::Priority::Normal},
    {"normal", tickets::Priority::Normal},
    {"medium", tickets::Priority::Normal},
    {"高", tickets::Priority::High},
    {"high", tickets::Priority::High},
    {"紧急", tickets::Priority::Urgent},
    {"urgent", tickets::Priority::Urgent},
}};

struct FieldWord {
    std::string_view word;
    Field field;
};
constexpr std::array<FieldWord, 8> kFieldWords = {{
    {"分类", Field::Category},
    {"category", Field::Category},
    {"优先级", Field::Priority},
    {"priority", Field::Priority},
    {"描述", Field::Description},
    {"description", Field::Description},
    {"负责人", Field::Assignee},
    {"assignee", Field::Assignee},
}};

bool is_ascii_word(std::string_view word) {
    return std::all_of(word.begin(), word.end(), [](char c) {
        const char l = ascii_lower(c);
        return l >= 'a' && l <= 'z';
    });
}

bool takes_ticket_number(CommandKind kind) { return kind != Create && kind != List; }

// Whether `a` and `b` have as many characters and differ in exactly one. Walks both at once
// without copying: it runs on every chat message whose first word a number follows.
bool one_char_different(std::string_view a, std::string_view b) {
    std::size_t different = 0;
    while (!a.empty() && !b.empty()) {
        const std::size_t na = std::min(utf8_length(static_cast<unsigned char>(a[0])), a.size());
        const std::size_t nb = std::min(utf8_length(static_cast<unsigned char>(b[0])), b.size());
        if (a.substr(0, na) != b.substr(0, nb) && ++different > 1) return false;
        a.remove_prefix(na);
        b.remove_prefix(nb);
    }
    return a.empty() && b.empty() && different == 1;
}

}  // namespace

std::optional<CommandWord> find_command_word(std::string_view word) {
    for (const auto& w : kCommandWords) {
        if (ascii_iequals(w.word, word)) return w;
    }
    return std::nullopt;
}

std::optional<ListScope> find_list_scope(std::string_view word) {
    for (const auto& w : kScopeWords) {
        if (ascii_iequals(w.word, word)) return w.scope;
    }
    return std::nullopt;
}

std::optional<tickets::Priority> find_priority(std::string_view word) {
    for (const auto& w : kPriorityWords) {
        if (ascii_iequals(w.word, word)) return w.priority;
    }
    return std::nullopt;
}

std::optional<FieldName> field_name_at(std::string_view text) {
    for (const auto& w : kFieldWords) {
        if (text.size() < w.word.size() || !ascii_iequals(text.substr(0, w.word.size()), w.word)) {
            continue;
        }
        if (colon_length(text.substr(w.word.size())) != 0) return FieldName{w.field, w.word.size()};
    }
    return std::nullopt;
}

std::optional<CommandWord> near_command_word(std::string_view word, bool ref_follows) {
    if (is_ascii_word(word)) {
        if (word.size() < 4) return std::nullopt;
        std::string lower(word);
        std::transform(lower.begin(), lower.end(), lower.begin(), ascii_lower);
        const std::size_t limit = word.size() >= 7 ? 2 : 1;
        std::optional<CommandWord> best;
        std::size_t best_distance = limit + 1;
        for (const auto& w : kCommandWords) {
            // Three-letter "new" would turn "news", "knew" … into commands.
            if (w.language != Language::En || w.word.size() < 4) continue;
            // Lengths further apart than the limit cannot be within it: skip the table.
            if (std::max(lower.size(), w.word.size()) - std::min(lower.size(), w.word.size()) >
                limit) {
                continue;
            }
            const std::size_t d = damerau_levenshtein(lower, w.word);
            if (d < best_distance) {
                best = w;
                best_distance = d;
            }
        }
        return best;
    }
    // A two-character Chinese word is one character from many everyday words ("工作", "关心"):
    // only a ticket number after it makes a command likely.
    if (!ref_follows) return std::nullopt;
    for (const auto& w : kCommandWords) {
        if (w.language == Language::Zh && takes_ticket_number(w.kind) &&
            one_char_different(word, w.word)) {
            return w;
        }
    }
    return std::nullopt;
}

std::size_t damerau_levenshtein(std::string_view a, std::string_view b) {
    // Full table: command words are short, and only the first word of a message gets here.
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

std::size_t utf8_length(unsigned char lead) noexcept {
    if (lead >= 0xF0 && lead <= 0xF7) return 4;
    if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
    if (lead >= 0xC0) return 2;
    return 1;
}

std::size_t colon_length(std::string_view text) noexcept {
    if (text.starts_with(':')) return 1;
    if (text.starts_with("\xEF\xBC\x9A")) return 3;  // U+FF1A ：
    return 0;
}

std::size_t hash_length(std::string_view text) noexcept {
    if (text.starts_with('#')) return 1;
    if (text.starts_with("\xEF\xBC\x83")) return 3;  // U+FF03 ＃
    return 0;
}

std::size_t at_sign_length(std::string_view text) noexcept {
    if (text.starts_with('@')) return 1;
    if (text.starts_with("\xEF\xBC\xA0")) return 3;  // U+FF20 ＠
    return 0;
}

std::string_view skip_separators(std::string_view text) noexcept {
    while (std::size_t n = separator_length(text)) text.remove_prefix(n);
    return text;
}

std::size_t token_length(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size() && separator_length(text.substr(i)) == 0) ++i;
    return i;
}

std::string cut_chars(std::string_view text, std::size_t max_chars) {
    if (tickets::count_chars(text) <= max_chars) return std::string(text);
    return std::string(tickets::prefix_chars(text, max_chars - 1)) + "…";
}

}  // namespace groupdesk::handlers::details
