// Parsing of the ticket commands: the command word picks the grammar of the rest.
#include "handlers/command_parser.h"

#include <limits>
#include <utility>
#include <vector>

#include "handlers/details/command_words.h"
#include "handlers/details/create_command.h"
#include "handlers/mention.h"

namespace groupdesk::handlers {
namespace {

using details::colon_length;
using details::cut_chars;
using details::hash_length;
using details::skip_separators;
using details::token_length;

// Longest piece of the user's own text an error or suggestion repeats.
constexpr std::size_t kEchoChars = 20;
constexpr std::size_t kSuggestionChars = 40;

struct Said {
    Language language;
    std::string_view word;  // the command word typed, for examples in the user's own words

    std::string_view pick(std::string_view zh, std::string_view en) const {
        return language == Language::Zh ? zh : en;
    }
    Command command(CommandKind kind) const {
        Command cmd;
        cmd.kind = kind;
        cmd.language = language;
        return cmd;
    }
    CommandError error(std::string reason) const {
        return CommandError{language, std::move(reason)};
    }
};

// The first line of `text`, cut short: errors are one line.
std::string echo(std::string_view text) {
    const std::size_t eol = text.find('\n');
    const bool more = eol != std::string_view::npos;
    std::string line = cut_chars(trim_separators(text.substr(0, eol)), kEchoChars);
    if (more && !line.ends_with("…")) line += "…";
    return line;
}

// An example of the whole command, in the language and the word the user typed.
std::string example(const Said& said, CommandKind kind) {
    std::string out(said.word);
    switch (kind) {
        case CommandKind::Assign:
            return out.append(said.pick(" #12 @张三", " #12 @alice"));
        case CommandKind::Comment:
            return out.append(said.pick(" #12 已联系客户", " #12 called the customer"));
        default:
            return out.append(" #12");
    }
}

CommandError usage_error(const Said& said, CommandKind kind, std::string_view what) {
    return said.error(std::string(what) + std::string(said.pick("，例如：", "; e.g. ")) +
                      example(said, kind));
}

struct TicketRef {
    std::int64_t number = 0;
    std::string_view rest;  // after the number and the separators or colon that end it
};

// Value of the ASCII or full-width digit `text` starts with, and its length in bytes.
std::optional<std::pair<int, std::size_t>> digit_at(std::string_view text) {
    if (!text.empty() && text[0] >= '0' && text[0] <= '9')
        return std::pair{text[0] - '0', std::size_t{1}};
    // U+FF10 … U+FF19, typed by Chinese input methods in full-width mode.
    if (text.size() >= 3 && text.starts_with("\xEF\xBC") &&
        static_cast<unsigned char>(text[2]) >= 0x90 &&
        static_cast<unsigned char>(text[2]) <= 0x99) {
        return std::pair{static_cast<unsigned char>(text[2]) - 0x90, std::size_t{3}};
    }
    return std::nullopt;
}

// "#12", "＃12" or a bare "12", then a separator, a colon or the end.
std::variant<TicketRef, CommandError> parse_ticket_ref(const Said& said, CommandKind kind,
                                                       std::string_view text) {
    text = skip_separators(text);
    if (text.empty()) {
        return usage_error(said, kind, said.pick("缺少工单编号", "missing the ticket number"));
    }
    std::string_view rest = text.substr(hash_length(text));
    std::int64_t number = 0;
    bool digits = false;
    bool overflow = false;
    while (auto d = digit_at(rest)) {
        digits = true;
        overflow = overflow || number > (std::numeric_limits<std::int64_t>::max() - d->first) / 10;
        if (!overflow) number = number * 10 + d->first;
        rest.remove_prefix(d->second);
    }
    const std::size_t colon = colon_length(rest);
    const bool ends = rest.empty() || colon != 0 || separator_length(rest) != 0;
    if (!digits || !ends || overflow || number == 0) {
        const std::string token = echo(text.substr(0, token_length(text)));
        return usage_error(
            said, kind, std::string(said.pick("工单编号无效：", "not a ticket number: ")) + token);
    }
    return TicketRef{number, skip_separators(rest.substr(colon))};
}

struct Name {
    std::string_view name;  // without the '@'
    std::string_view rest;  // what follows it, leading separators removed
};

// "@name" or "name", up to the first separator: how mentions end in WeCom.
Name take_name(std::string_view text) {
    text = skip_separators(text);
    text.remove_prefix(details::at_sign_length(text));
    const std::size_t n = token_length(text);
    return Name{text.substr(0, n), skip_separators(text.substr(n))};
}

ParsedCommand unexpected_text(const Said& said, CommandKind kind, std::string_view extra) {
    return usage_error(said, kind,
                       std::string(said.pick("多余的内容：", "unexpected text: ")) + echo(extra));
}

ParsedCommand parse_list(const Said& said, std::string_view rest) {
    Command cmd = said.command(CommandKind::List);
    if (rest.empty()) return cmd;
    if (const auto scope = details::find_list_scope(rest)) {
        cmd.scope = *scope;
        return cmd;
    }
    return said.error(std::string(said.pick("列表只能查看：待处理、我的、全部（不是“",
                                            "list takes open, mine or all (not \"")) +
                      echo(rest) + std::string(said.pick("”）", "\")")));
}

ParsedCommand parse_numbered(const Said& said, CommandKind kind, std::string_view rest) {
    auto ref = parse_ticket_ref(said, kind, rest);
    if (auto* error = std::get_if<CommandError>(&ref)) return std::move(*error);
    const auto& [number, after] = std::get<TicketRef>(ref);
    Command cmd = said.command(kind);
    cmd.number = number;
    switch (kind) {
        case CommandKind::Show:
        case CommandKind::Start:
            if (!after.empty()) return unexpected_text(said, kind, after);
            break;
        case CommandKind::Assign: {
            const auto [name, extra] = take_name(after);
            if (name.empty()) {
                return usage_error(said, kind, said.pick("请写明负责人", "who should take it?"));
            }
            // One assignee: "@bob please" is more likely a sentence than a name.
            if (!extra.empty()) return unexpected_text(said, kind, extra);
            cmd.assignee = std::string(name);
            break;
        }
        case CommandKind::Comment:
            if (after.empty()) {
                return usage_error(said, kind, said.pick("备注内容是空的", "the comment is empty"));
            }
            cmd.note = std::string(after);
            break;
        default:  // Resolve, Close, Reopen: the note is optional.
            cmd.note = std::string(after);
            break;
    }
    return cmd;
}

bool ticket_ref_follows(std::string_view rest) {
    rest = skip_separators(rest);
    rest.remove_prefix(hash_length(rest));
    return digit_at(rest).has_value();
}

// The corrected command, when the first word is a near miss of one and the correction parses.
ParsedCommand suggest(std::string_view text, std::size_t word_size,
                      std::optional<std::string_view> quoted) {
    const std::string_view word = text.substr(0, word_size);
    const std::string_view rest = text.substr(word_size);
    const auto near = details::near_command_word(word, ticket_ref_follows(rest));
    if (!near) return NotACommand{};
    const std::string corrected = std::string(near->word) + std::string(rest);
    // A correction that would only earn an error ("last week…" → "list week…") is no likelier
    // meant than ordinary chat.
    if (!std::holds_alternative<Command>(parse_command(corrected, quoted))) return NotACommand{};
    const std::size_t eol = corrected.find('\n');
    std::string shown = cut_chars(std::string_view(corrected).substr(0, eol), kSuggestionChars);
    if (eol != std::string::npos && !shown.ends_with("…")) shown += "…";
    return DidYouMean{near->language, std::move(shown)};
}

}  // namespace

std::optional<tickets::TicketStatus> target_status(CommandKind kind) noexcept {
    switch (kind) {
        case CommandKind::Start:
            return tickets::TicketStatus::InProgress;
        case CommandKind::Resolve:
            return tickets::TicketStatus::Resolved;
        case CommandKind::Close:
            return tickets::TicketStatus::Closed;
        case CommandKind::Reopen:
            return tickets::TicketStatus::Open;
        default:
            return std::nullopt;
    }
}

ParsedCommand parse_command(std::string_view text, std::optional<std::string_view> quoted) {
    text = trim_separators(text);
    // The command word ends at a separator, '#', a colon or the end: "工单打印机" is chat.
    std::size_t word_size = 0;
    while (word_size < text.size()) {
        const std::string_view at = text.substr(word_size);
        if (separator_length(at) || hash_length(at) || colon_length(at)) break;
        word_size += std::min(details::utf8_length(static_cast<unsigned char>(at[0])), at.size());
    }
    if (word_size == 0) return NotACommand{};
    const auto word = details::find_command_word(text.substr(0, word_size));
    if (!word) return suggest(text, word_size, quoted);

    const Said said{word->language, word->word};
    std::string_view rest = text.substr(word_size);
    rest = skip_separators(rest.substr(colon_length(rest)));
    switch (word->kind) {
        case CommandKind::Create:
            return details::parse_create(said.language, rest, quoted);
        case CommandKind::List:
            return parse_list(said, rest);
        default:
            return parse_numbered(said, word->kind, rest);
    }
}

}  // namespace groupdesk::handlers
