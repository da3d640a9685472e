// The in-chat keyword commands: parse, check the admin, carry out through the KeywordService.
#include "handlers/keyword_command_handler.h"

#include <array>
#include <optional>

#include "common/ascii.h"
#include "handlers/addressed.h"
#include "handlers/mention.h"
#include "keywords/normalize.h"
#include "tickets/words.h"

namespace groupdesk::handlers {
namespace {

using keywords::Rule;

enum class Verb { Add, Remove, List, Test };

struct KeywordCommand {
    bool english = false;
    Verb verb = Verb::List;
    std::string_view rest;
};

// Rules listed in one answer; more are for the REST API.
constexpr std::size_t kListed = 20;
constexpr std::size_t kShownReply = 40;  // bytes of a reply shown in a list line

std::string_view first_word(std::string_view text) {
    std::size_t end = 0;
    while (end < text.size() && separator_length(text.substr(end)) == 0) ++end;
    return text.substr(0, end);
}

std::string_view after_word(std::string_view text, std::string_view word) {
    return trim_separators(text.substr(word.size()));
}

std::optional<KeywordCommand> parse(std::string_view text) {
    const std::string_view head = first_word(text);
    KeywordCommand command;
    if (head == "关键词") {
        command.english = false;
    } else if (ascii_iequals(head, "keyword") || ascii_iequals(head, "keywords")) {
        command.english = true;
    } else {
        return std::nullopt;
    }
    text = after_word(text, head);
    const std::string_view verb = first_word(text);
    struct Word {
        std::string_view word;
        Verb verb;
    };
    static constexpr std::array<Word, 12> kVerbs = {{{"添加", Verb::Add},
                                                     {"add", Verb::Add},
                                                     {"删除", Verb::Remove},
                                                     {"rm", Verb::Remove},
                                                     {"remove", Verb::Remove},
                                                     {"delete", Verb::Remove},
                                                     {"列表", Verb::List},
                                                     {"list", Verb::List},
                                                     {"测试", Verb::Test},
                                                     {"test", Verb::Test},
                                                     {"ls", Verb::List},
                                                     {"查看", Verb::List}}};
    if (verb.empty()) return command;  // "关键词" alone lists
    for (const auto& w : kVerbs) {
        if (ascii_iequals(verb, w.word)) {
            command.verb = w.verb;
            command.rest = after_word(text, verb);
            return command;
        }
    }
    return std::nullopt;
}

// "退款, 退货 => 退款请…": the keywords (split at commas, 、 and |) and the reply.
std::optional<std::pair<std::vector<std::string>, std::string>> split_add(std::string_view rest) {
    std::size_t arrow = rest.find("=>");
    std::size_t arrow_size = 2;
    if (arrow == std::string_view::npos) {
        arrow = rest.find("→");
        arrow_size = std::string_view("→").size();
    }
    if (arrow == std::string_view::npos) return std::nullopt;
    const std::string_view reply = trim_separators(rest.substr(arrow + arrow_size));
    std::string_view list = rest.substr(0, arrow);
    std::vector<std::string> keywords;
    while (!list.empty()) {
        std::size_t cut = list.size();
        std::size_t cut_size = 0;
        for (std::string_view sep : {",", "，", "、", "|"}) {
            const std::size_t at = list.find(sep);
            if (at < cut) {
                cut = at;
                cut_size = sep.size();
            }
        }
        const std::string_view one = trim_separators(list.substr(0, cut));
        if (!one.empty()) keywords.emplace_back(one);
        list.remove_prefix(std::min(list.size(), cut + cut_size));
    }
    if (keywords.empty() || reply.empty()) return std::nullopt;
    return std::pair{std::move(keywords), std::string(reply)};
}

std::string joined(const std::vector<std::string>& words, std::string_view sep) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : std::string(sep)) + w;
    return out;
}

std::string rule_line(const Rule& rule) {
    return "#" + std::to_string(rule.id) + " [" + std::string(to_string(rule.match_type)) + "] " +
           joined(rule.keywords, " / ") + " → " + tickets::cut_to_bytes(rule.reply, kShownReply) +
           (rule.enabled ? "" : "（停用）");
}

Outcome say(std::string text) { return Outcome::reply(wecom::TextReply{std::move(text)}); }

}  // namespace

Outcome KeywordCommandHandler::handle(const wecom::InboundMessage& msg, Context& ctx) {
    // Typed commands only: a text message addressed to the assistant.
    if (!std::holds_alternative<wecom::TextBody>(msg.body)) return Outcome::pass();
    const auto text = addressed_text(msg, ctx.channel);
    if (!text) return Outcome::pass();
    const auto command = parse(trim_separators(*text));
    if (!command) return Outcome::pass();
    const bool en = command->english;
    if (roles_.role_of(ctx.channel.name, msg.sender) != tickets::ActorRole::Admin) {
        return say(en ? "Only admins may edit keyword replies." : "只有管理员可以管理关键词回复。");
    }
    const std::string& chat = in_group(msg) ? msg.chat_id : msg.sender;
    switch (command->verb) {
        case Verb::Add: {
            auto parts = split_add(command->rest);
            if (!parts) {
                return say(en ? "Write: keyword add refund, return => the reply"
                              : "格式：关键词 添加 退款, 退货 => 回复内容");
            }
            Rule rule;
            rule.keywords = std::move(parts->first);
            rule.reply = std::move(parts->second);
            rule.origin = "chat:" + ctx.source_key;
            // A retry after the rule was stored: answer with the rule the first delivery made.
            for (const auto& existing : rules_.index()->rules()) {
                if (existing.origin == rule.origin) {
                    return say((en ? "Added rule #" : "已添加规则 #") +
                               rule_line(existing).substr(1));
                }
            }
            auto created = rules_.create(std::move(rule), msg.sender, ctx.now);
            if (!created.ok()) {
                if (created.error().code == ErrorCode::InvalidArgument) {
                    return say((en ? "Not added: " : "没有添加：") + created.error().message);
                }
                return Outcome::retry_later("keyword add: " + created.error().message);
            }
            return say((en ? "Added rule #" : "已添加规则 #") + rule_line(*created).substr(1));
        }
        case Verb::Remove: {
            std::string_view id_text = command->rest;
            if (id_text.starts_with("#")) id_text.remove_prefix(1);
            std::int64_t id = 0;
            for (char c : id_text) {
                if (c < '0' || c > '9' || id > 1'000'000'000'000)
                    return say(en ? "Write: keyword rm 12" : "格式：关键词 删除 12");
                id = id * 10 + (c - '0');
            }
            const Rule* rule = rules_.index()->find(id);
            if (id_text.empty() || rule == nullptr) {
                return say((en ? "There is no rule #" : "没有规则 #") + std::string(id_text) +
                           (en ? " (it may have been removed already)." : "（可能已删除）。"));
            }
            auto removed = rules_.remove(id, rule->version, msg.sender, ctx.now);
            if (!removed.ok())
                return Outcome::retry_later("keyword rm: " + removed.error().message);
            return say((en ? "Removed rule #" : "已删除规则 #") + std::to_string(id));
        }
        case Verb::List: {
            const auto index = rules_.index();
            std::string out = en ? "Keyword rules:" : "关键词规则：";
            std::size_t shown = 0;
            std::size_t total = 0;
            for (const auto& rule : index->rules()) {
                if (rule.kind != keywords::RuleKind::Keyword) continue;
                ++total;
                if (shown < kListed) {
                    out += "\n" + rule_line(rule);
                    ++shown;
                }
            }
            if (total == 0)
                return say(en ? "There are no keyword rules yet." : "还没有关键词规则。");
            out += en ? "\n" + std::to_string(total) + " in all"
                      : "\n共 " + std::to_string(total) + " 条";
            return say(std::move(out));
        }
        case Verb::Test: {
            const auto result = rules_.test(command->rest, ctx.channel.name, chat, ctx.now);
            if (result.answer == nullptr) {
                return say(en ? "No rule answers this." : "没有规则会回答这句话。");
            }
            std::string out =
                (en ? "Answered by rule #" : "由规则 #") + std::to_string(result.answer->id) +
                (result.by_default ? (en ? " (the default reply)" : "（默认回复）") : "") +
                (en ? ":\n" : " 回答：\n") + result.answer->reply;
            for (const auto& c : result.candidates) {
                if (c.why == keywords::NotChosen::None) continue;
                out += "\n#" + std::to_string(c.rule->id) + ": " + std::string(to_string(c.why));
            }
            return say(std::move(out));
        }
    }
    return Outcome::pass();
}

}  // namespace groupdesk::handlers
