// Parsing of the create command: fields, title, description and the quoted message.
#include "handlers/details/create_command.h"

#include <string>
#include <vector>

#include "handlers/details/command_words.h"
#include "handlers/mention.h"

namespace groupdesk::handlers::details {
namespace {

struct FieldMark {
    Field field;
    std::size_t begin;  // where the field name starts
    std::size_t value;  // where its value starts, after the colon
};

// The fields of one line: a field name at its start or after a separator, then a colon. Each
// value runs to the next field or the end of the line.
std::vector<FieldMark> find_fields(std::string_view line) {
    std::vector<FieldMark> marks;
    bool boundary = true;
    std::size_t i = 0;
    while (i < line.size()) {
        const std::string_view at = line.substr(i);
        if (const std::size_t n = separator_length(at)) {
            i += n;
            boundary = true;
            continue;
        }
        if (boundary) {
            if (const auto name = field_name_at(at)) {
                const std::size_t value = i + name->length + colon_length(at.substr(name->length));
                marks.push_back(FieldMark{name->field, i, value});
                i = value;
                continue;
            }
        }
        boundary = false;
        i += std::min(utf8_length(static_cast<unsigned char>(at[0])), at.size());
    }
    return marks;
}

struct Draft {
    std::optional<std::string_view> title;
    std::vector<std::string_view> description;  // in the order written
    Command cmd;
};

std::string join_lines(const std::vector<std::string_view>& parts) {
    std::string out;
    for (const std::string_view part : parts) {
        const std::string_view p = trim_separators(part);
        if (p.empty()) continue;
        if (!out.empty()) out += '\n';
        out += p;
    }
    return out;
}

std::optional<CommandError> take_field(Draft& draft, Field field, std::string_view value) {
    const Language lang = draft.cmd.language;
    const bool zh = lang == Language::Zh;
    switch (field) {
        case Field::Description:
            draft.description.push_back(value);
            break;
        case Field::Category:
            if (tickets::count_chars(value) > tickets::kMaxCategoryChars) {
                return CommandError{
                    lang, zh ? "分类最多 32 个字" : "a category has at most 32 characters"};
            }
            draft.cmd.category = std::string(value);
            break;
        case Field::Priority:
            if (value.empty()) break;
            draft.cmd.priority = find_priority(value);
            if (!draft.cmd.priority) {
                return CommandError{lang, zh ? "优先级只能是：低、中、高、紧急"
                                             : "priority must be low, normal, high or urgent"};
            }
            break;
        case Field::Assignee: {
            value.remove_prefix(at_sign_length(value));
            draft.cmd.assignee = std::string(value.substr(0, token_length(value)));
            break;
        }
    }
    return std::nullopt;
}

// A title that fits, or the first kMaxTitleChars - 1 code points and "…".
std::string fit_title(std::string_view title) { return cut_chars(title, tickets::kMaxTitleChars); }

}  // namespace

ParsedCommand parse_create(Language language, std::string_view rest,
                           std::optional<std::string_view> quoted) {
    Draft draft;
    draft.cmd.kind = CommandKind::Create;
    draft.cmd.language = language;
    while (!rest.empty()) {
        const std::size_t eol = rest.find('\n');
        const std::string_view line = rest.substr(0, eol);
        rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);

        const auto marks = find_fields(line);
        const std::string_view free =
            trim_separators(line.substr(0, marks.empty() ? line.size() : marks.front().begin));
        if (!free.empty()) {
            // The first line with free text is the title; the rest describe.
            if (!draft.title) {
                draft.title = free;
            } else {
                draft.description.push_back(free);
            }
        }
        for (std::size_t m = 0; m < marks.size(); ++m) {
            const std::size_t end = m + 1 < marks.size() ? marks[m + 1].begin : line.size();
            const std::string_view value =
                trim_separators(line.substr(marks[m].value, end - marks[m].value));
            if (auto error = take_field(draft, marks[m].field, value)) return std::move(*error);
        }
    }

    const std::string_view quote = quoted ? trim_separators(*quoted) : std::string_view{};
    Command& cmd = draft.cmd;
    if (draft.title) {
        cmd.title = fit_title(*draft.title);
        // A cut title stays whole at the start of the description.
        if (tickets::count_chars(*draft.title) > tickets::kMaxTitleChars) {
            draft.description.insert(draft.description.begin(), *draft.title);
        }
    } else if (!quote.empty()) {
        // The quote is the description too, so its whole first line is kept there.
        cmd.title = fit_title(trim_separators(quote.substr(0, quote.find('\n'))));
    } else {
        return CommandError{language, language == Language::Zh
                                          ? "工单需要标题：工单 <标题>"
                                          : "a ticket needs a title: ticket <title>"};
    }
    if (!quote.empty()) draft.description.push_back(quote);
    cmd.description = join_lines(draft.description);
    return std::move(cmd);
}

}  // namespace groupdesk::handlers::details
