// Tables and reports of the keywords CLI. The server's JSON is read defensively: a field missing
// or of another type prints empty rather than stopping the CLI.
#include "bot/cli/keywords_output.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

namespace groupdesk::bot::cli {
namespace {

using Json = nlohmann::json;

// The code point at `i` and its length in bytes; a malformed byte is taken alone as U+FFFD.
char32_t decode(std::string_view s, std::size_t i, std::size_t& length) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80           ? 1
                          : (b >> 5) == 0x6  ? 2
                          : (b >> 4) == 0xE  ? 3
                          : (b >> 3) == 0x1E ? 4
                                             : 0;
    if (n == 0 || i + n > s.size()) {
        length = 1;
        return 0xFFFD;
    }
    char32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c >> 6) != 0x2) {
            length = 1;
            return 0xFFFD;
        }
        cp = (cp << 6) | (c & 0x3F);
    }
    length = n;
    return cp;
}

std::size_t columns_of(char32_t cp) {
    if (cp >= 0x0300 && cp <= 0x036F) return 0;  // combining marks sit on the previous character
    if (cp == 0x200B || cp == 0x200D || cp == 0xFE0F) return 0;
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
                      (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
                      (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
                      (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
    return wide ? 2 : 1;
}

// A member, or null when `j` has none (operator[] on a const object must not be asked for one).
const Json& member(const Json& j, const char* key) {
    static const Json kNull;
    if (!j.is_object()) return kNull;
    const auto it = j.find(key);
    return it == j.end() ? kNull : *it;
}

bool flag(const Json& j, const char* key, bool fallback) {
    const Json& v = member(j, key);
    return v.is_boolean() ? v.get<bool>() : fallback;
}

std::string text(const Json& j, const char* key) {
    const Json& v = member(j, key);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

std::string joined(const Json& list, std::string_view separator) {
    std::string out;
    if (!list.is_array()) return out;
    for (const auto& item : list) {
        if (!out.empty()) out += separator;
        out += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return out;
}

std::string pad(const std::string& cell, std::size_t width) {
    const std::size_t used = display_width(cell);
    return cell + std::string(width > used ? width - used : 0, ' ');
}

}  // namespace

std::string text_table(const std::vector<std::string>& header,
                       const std::vector<std::vector<std::string>>& rows, std::size_t width,
                       std::size_t last_min) {
    std::vector<std::size_t> widths(header.size(), 0);
    for (std::size_t c = 0; c < header.size(); ++c) {
        widths[c] = display_width(header[c]);
        for (const auto& row : rows) widths[c] = std::max(widths[c], display_width(row[c]));
    }
    std::size_t fixed = 0;
    for (std::size_t c = 0; c + 1 < header.size(); ++c) fixed += widths[c] + 2;
    const std::size_t last = width > fixed + last_min ? width - fixed : last_min;
    std::string out;
    auto line = [&](const std::vector<std::string>& cells) {
        std::string l;
        for (std::size_t c = 0; c + 1 < cells.size(); ++c) l += pad(cells[c], widths[c]) + "  ";
        l += fit_width(cells.back(), last);
        while (!l.empty() && l.back() == ' ') l.pop_back();
        out += l + "\n";
    };
    line(header);
    for (const auto& row : rows) line(row);
    return out;
}

std::size_t display_width(std::string_view utf8) {
    std::size_t width = 0;
    for (std::size_t i = 0, n = 0; i < utf8.size(); i += n) width += columns_of(decode(utf8, i, n));
    return width;
}

std::string fit_width(std::string_view utf8, std::size_t columns) {
    std::string flat;
    for (std::size_t i = 0, n = 0; i < utf8.size(); i += n) {
        const char32_t cp = decode(utf8, i, n);
        if (cp < 0x20 || cp == 0x7F) {
            if (flat.empty() || flat.back() != ' ') flat += ' ';
        } else {
            flat.append(utf8.substr(i, n));
        }
    }
    if (display_width(flat) <= columns) return flat;
    std::string out;
    std::size_t used = 0;
    for (std::size_t i = 0, n = 0; i < flat.size(); i += n) {
        const std::size_t w = columns_of(decode(flat, i, n));
        if (used + w + 1 > columns) break;  // one column kept for the ellipsis
        out.append(flat, i, n);
        used += w;
    }
    return out + "…";
}

std::string rules_table(const Json& answer, std::size_t width) {
    const Json& rules = answer.is_array() ? answer : member(answer, "rules");
    if (!rules.is_array() || rules.empty()) return "no keyword rules\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& r : rules) {
        const bool enabled = flag(r, "enabled", true);
        rows.push_back({text(r, "id"), text(r, "kind"), text(r, "match_type"), text(r, "priority"),
                        enabled ? "yes" : "no", fit_width(joined(member(r, "keywords"), ", "), 30),
                        text(r, "reply")});
    }
    return text_table({"ID", "KIND", "MATCH", "PRIO", "ON", "KEYWORDS", "REPLY"}, rows, width, 16);
}

std::string history_table(const Json& history, std::size_t width) {
    const Json& versions = member(history, "versions");
    if (!versions.is_array() || versions.empty()) return "no history\n";
    static const std::set<std::string> kBookkeeping = {"version", "updated_by", "updated_at"};
    std::vector<std::vector<std::string>> rows;
    for (const auto& v : versions) {
        const std::string op = text(v, "op");
        const Json& before = member(v, "before");
        const Json& after = member(v, "after");
        std::string change;
        if (op == "update" && before.is_object() && after.is_object()) {
            for (const auto& [key, value] : after.items()) {
                if (kBookkeeping.contains(key) || member(before, key.c_str()) == value) continue;
                change += (change.empty() ? "" : ", ") + key;
            }
            change = change.empty() ? "no field changed" : "changed " + change;
        } else if (op == "create" && after.is_object()) {
            change = joined(member(after, "keywords"), ", ") + " => " + text(after, "reply");
        } else if (op == "delete") {
            change = "deleted";
        }
        rows.push_back({text(v, "version"), op, text(v, "actor"), text(v, "at"), change});
    }
    return text_table({"VERSION", "OP", "ACTOR", "AT", "CHANGE"}, rows, width, 16);
}

std::string test_report(const Json& test) {
    std::string out = "normalized: " + text(test, "normalized") + "\n";
    const Json& answer = member(test, "answer");
    std::string answer_id;
    if (answer.is_object()) {
        answer_id = text(answer, "id");
        out += "answered by rule " + answer_id + " (" + text(answer, "kind") + ", " +
               text(answer, "match_type") + ", priority " + text(answer, "priority") + ")";
        out += flag(test, "by_default", false) ? ": the default reply, no keyword rule answers\n"
                                               : "\n";
        out += "reply: " + text(answer, "reply") + "\n";
    } else {
        const std::string why = text(test, "why_none");
        out += "no answer" + (why.empty() ? std::string() : ": " + why) + "\n";
    }
    const Json& candidates = member(test, "candidates");
    bool titled = false;
    for (const auto& c : candidates.is_array() ? candidates : Json::array()) {
        if (text(c, "id") == answer_id && flag(c, "answers", false)) continue;
        if (!titled) out += "other candidates:\n";
        titled = true;
        const std::string why = text(c, "why_not");
        out += "  rule " + text(c, "id") + " (" + text(c, "match_type") + ", priority " +
               text(c, "priority") + "): " + (why.empty() ? "answers" : why) + "\n";
    }
    return out;
}

std::string mp_import_report(const Json& answer) {
    std::string out = "imported " + text(answer, "imported") +
                      " rules: " + text(answer, "created") + " created, " +
                      text(answer, "updated") + " updated\n";
    const Json& skipped = member(answer, "skipped");
    for (const auto& s : skipped.is_array() ? skipped : Json::array()) {
        out += "skipped " + text(s, "rule_name") + ": " + text(s, "reason") + "\n";
    }
    return out;
}

}  // namespace groupdesk::bot::cli
