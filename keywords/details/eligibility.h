// Whether a rule may answer here and now, and whether an occurrence counts for its match type.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keywords/keyword_index.h"
#include "keywords/rule.h"

namespace groupdesk::keywords::details {

// [start, end); an end before the start wraps past midnight, and start == end is never.
inline bool within_hours(const std::optional<ActiveHours>& hours, int minute) {
    if (!hours) return true;
    const int start = hours->start_minute;
    const int end = hours->end_minute;
    if (start <= end) return minute >= start && minute < end;
    return minute >= start || minute < end;  // wraps past midnight
}

inline bool lists(const std::vector<std::string>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// 2: the scope lists the chat; 1: it lists the channel; 0: everywhere; -1: out of scope.
inline int scope_specificity(const Scope& scope, const MatchContext& where) {
    if (scope.everywhere()) return 0;
    if (lists(scope.chats, where.chat)) return 2;
    if (lists(scope.channels, where.channel)) return 1;
    return -1;
}

inline NotChosen why_not(const Rule& rule, const MatchContext& where) {
    if (!rule.enabled) return NotChosen::Disabled;
    if (scope_specificity(rule.scope, where) < 0) return NotChosen::OutOfScope;
    if (!within_hours(rule.active_hours, where.minute_of_day)) return NotChosen::OutsideHours;
    return NotChosen::None;
}

inline bool occurs_as(MatchType type, std::size_t start, std::size_t end, std::size_t length) {
    switch (type) {
        case MatchType::Exact:
            return start == 0 && end == length;
        case MatchType::Prefix:
            return start == 0;
        default:
            return true;
    }
}

}  // namespace groupdesk::keywords::details
