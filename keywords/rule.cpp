// The words of the rule model, as the REST API, the CLI and the store spell them.
#include "keywords/rule.h"

#include "keywords/keyword_store.h"

namespace groupdesk::keywords {

std::string_view to_string(MatchType type) noexcept {
    switch (type) {
        case MatchType::Exact:
            return "exact";
        case MatchType::Prefix:
            return "prefix";
        case MatchType::Contains:
            return "contains";
        case MatchType::Regex:
            return "regex";
    }
    return "?";
}

std::string_view to_string(RuleKind kind) noexcept {
    switch (kind) {
        case RuleKind::Keyword:
            return "keyword";
        case RuleKind::Follow:
            return "follow";
        case RuleKind::Default:
            return "default";
    }
    return "?";
}

std::string_view to_string(RuleChange::Op op) noexcept {
    switch (op) {
        case RuleChange::Op::Create:
            return "create";
        case RuleChange::Op::Update:
            return "update";
        case RuleChange::Op::Delete:
            return "delete";
    }
    return "?";
}

std::optional<MatchType> parse_match_type(std::string_view word) noexcept {
    for (MatchType type :
         {MatchType::Exact, MatchType::Prefix, MatchType::Contains, MatchType::Regex}) {
        if (word == to_string(type)) return type;
    }
    return std::nullopt;
}

std::optional<RuleKind> parse_rule_kind(std::string_view word) noexcept {
    for (RuleKind kind : {RuleKind::Keyword, RuleKind::Follow, RuleKind::Default}) {
        if (word == to_string(kind)) return kind;
    }
    return std::nullopt;
}

std::optional<RuleChange::Op> parse_change_op(std::string_view word) noexcept {
    for (auto op : {RuleChange::Op::Create, RuleChange::Op::Update, RuleChange::Op::Delete}) {
        if (word == to_string(op)) return op;
    }
    return std::nullopt;
}

}  // namespace groupdesk::keywords
