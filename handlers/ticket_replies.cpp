// Reply texts for the ticket commands, Chinese and English side by side.
#include "handlers/ticket_replies.h"

#include <algorithm>
#include <array>
#include <utility>

#include "tickets/words.h"

namespace groupdesk::handlers::replies {
namespace {

using tickets::EventAction;
using tickets::Priority;
using tickets::Ticket;
using tickets::TicketStatus;

bool zh(Language language) { return language == Language::Zh; }

std::string_view status_word(TicketStatus status, Language language) {
    return tickets::status_word(status, zh(language));
}

std::string_view priority_word(Priority priority, Language language) {
    return tickets::priority_word(priority, zh(language));
}

std::string ref_of(std::int64_t number) { return tickets::ticket_ref(number); }
std::string ref(const Ticket& ticket) { return ref_of(ticket.number); }

// "状态：待处理 · 优先级：高 · 分类：网络 · 负责人：张三"
std::string fields_line(const Ticket& t, Language language) {
    const bool z = zh(language);
    std::string line =
        std::string(z ? "状态：" : "Status: ") + std::string(status_word(t.status, language)) +
        (z ? " · 优先级：" : " · Priority: ") + std::string(priority_word(t.priority, language));
    if (!t.category.empty()) line += (z ? " · 分类：" : " · Category: ") + t.category;
    line += z ? " · 负责人：" : " · Assignee: ";
    line += t.assignee.empty() ? (z ? "未指派" : "nobody yet") : t.assignee;
    return line;
}

// What a command did, as a verb phrase.
std::string_view done_phrase(CommandKind kind, Language language) {
    const bool z = zh(language);
    switch (kind) {
        case CommandKind::Assign:
            return z ? "已指派" : "assigned";
        case CommandKind::Comment:
            return z ? "已添加备注" : "comment added";
        case CommandKind::Start:
            return z ? "已接单，处理中" : "started";
        case CommandKind::Resolve:
            return z ? "已解决" : "resolved";
        case CommandKind::Close:
            return z ? "已关闭" : "closed";
        case CommandKind::Reopen:
            return z ? "已重新打开" : "reopened";
        default:
            return z ? "已更新" : "updated";
    }
}

std::string_view command_word(CommandKind kind, Language language) {
    const bool z = zh(language);
    switch (kind) {
        case CommandKind::Create:
            return z ? "创建" : "create";
        case CommandKind::Show:
            return z ? "查询" : "show";
        case CommandKind::List:
            return z ? "列出" : "list";
        case CommandKind::Assign:
            return z ? "指派" : "assign";
        case CommandKind::Comment:
            return z ? "备注" : "comment on";
        case CommandKind::Start:
            return z ? "接单" : "start";
        case CommandKind::Resolve:
            return z ? "解决" : "resolve";
        case CommandKind::Close:
            return z ? "关闭" : "close";
        case CommandKind::Reopen:
            return z ? "重开" : "reopen";
    }
    return "";
}

std::string_view field_word(std::string_view field, Language language) {
    static constexpr std::array<std::array<std::string_view, 3>, 7> kFields{{
        {"title", "标题", "the title"},
        {"category", "分类", "the category"},
        {"description", "描述", "the description"},
        {"assignee", "负责人", "the assignee"},
        {"reporter", "报告人", "the reporter"},
        {"text", "备注", "the comment"},
        {"priority", "优先级", "the priority"},
    }};
    for (const auto& f : kFields) {
        if (f[0] == field) return zh(language) ? f[1] : f[2];
    }
    return field;
}

}  // namespace

std::string created(const Ticket& ticket, Language language) {
    const bool z = zh(language);
    return std::string(z ? "已创建工单 " : "Created ticket ") + ref(ticket) + (z ? "：" : ": ") +
           ticket.title + "\n" + fields_line(ticket, language) + "\n" +
           (z ? "发送「查询 " + ref(ticket) + "」查看进度"
              : "Send \"status " + ref(ticket) + "\" to follow it");
}

std::string changed(const Ticket& ticket, CommandKind kind, Language language) {
    const bool z = zh(language);
    std::string text = std::string(z ? "工单 " : "Ticket ") + ref(ticket) + " " +
                       std::string(done_phrase(kind, language)) + (z ? "：" : ": ") + ticket.title +
                       "\n" + fields_line(ticket, language);
    return text;
}

std::string unchanged(const Ticket& ticket, CommandKind kind, Language language) {
    const bool z = zh(language);
    if (kind == CommandKind::Assign) {
        return z ? "工单 " + ref(ticket) + " 的负责人已是 " + ticket.assignee
                 : "Ticket " + ref(ticket) + " is already assigned to " + ticket.assignee;
    }
    return (z ? "工单 " : "Ticket ") + ref(ticket) + (z ? " 没有变化" : " is unchanged");
}

std::string shown(const Ticket& ticket, const std::vector<tickets::TicketEvent>& events,
                  Language language) {
    const bool z = zh(language);
    std::string text = std::string(z ? "工单 " : "Ticket ") + ref(ticket) + (z ? "：" : ": ") +
                       ticket.title + "\n" + fields_line(ticket, language) + "\n" +
                       (z ? "报告人：" : "Reporter: ") + ticket.reporter;
    if (!ticket.description.empty()) {
        text += std::string(z ? "\n描述：" : "\nDescription: ") + ticket.description;
    }
    // The latest three comments: enough to see where it stands without flooding the chat.
    std::vector<const tickets::TicketEvent*> comments;
    for (const auto& e : events) {
        if (e.action == EventAction::Comment) comments.push_back(&e);
    }
    const std::size_t skip = comments.size() > 3 ? comments.size() - 3 : 0;
    for (std::size_t i = skip; i < comments.size(); ++i) {
        text += "\n· " + comments[i]->actor + (z ? "：" : ": ") + comments[i]->note;
    }
    return text;
}

std::string listed(const tickets::TicketPage& page, ListScope scope, Language language) {
    const bool z = zh(language);
    if (page.tickets.empty()) {
        switch (scope) {
            case ListScope::Open:
                return z ? "本群没有未解决的工单" : "No open tickets here";
            case ListScope::Mine:
                return z ? "没有与您相关的未关闭工单" : "No open tickets of yours";
            case ListScope::All:
                return z ? "本群还没有工单" : "No tickets here yet";
        }
    }
    std::string text;
    switch (scope) {
        case ListScope::Open:
            text = z ? "未解决的工单：" : "Open tickets:";
            break;
        case ListScope::Mine:
            text = z ? "与您相关的工单：" : "Your tickets:";
            break;
        case ListScope::All:
            text = z ? "全部工单：" : "All tickets:";
            break;
    }
    for (const auto& t : page.tickets) {
        text += '\n';
        text += ref(t);
        text += " [";
        text += status_word(t.status, language);
        text += "] ";
        text += t.title;
        if (!t.assignee.empty()) text += " (" + t.assignee + ")";
    }
    if (page.total && *page.total > page.tickets.size()) {
        const auto rest = std::to_string(*page.total - page.tickets.size());
        text += z ? "\n另有 " + rest + " 个未列出" : "\n… and " + rest + " more";
    }
    return text;
}

std::string refused(const Error& error, const Command& command, const TicketStatus* current,
                    Language language) {
    const bool z = zh(language);
    const std::string number = ref_of(command.number);
    switch (error.code) {
        case ErrorCode::NotFound:
            return z ? "未找到工单 " + number : "Ticket " + number + " not found";
        case ErrorCode::PermissionDenied:
            if (!z) return error.public_reason.empty() ? "Not allowed" : error.public_reason;
            if (error.public_reason.find("closed") != std::string::npos) {
                return "工单 " + number + " 已关闭，只有管理员可以修改";
            }
            if (command.kind == CommandKind::Reopen) return "只有客服人员或报告人可以重开工单";
            return "只有客服人员可以" + std::string(command_word(command.kind, language)) + "工单";
        case ErrorCode::FailedPrecondition: {
            const auto target = target_status(command.kind);
            if (current != nullptr && target) {
                const std::string from(status_word(*current, language));
                const std::string to(status_word(*target, language));
                return z ? "工单 " + number + " 当前为「" + from + "」，不能" +
                               std::string(command_word(command.kind, language)) + "（" + from +
                               " → " + to + " 不允许）"
                         : "Cannot " + std::string(command_word(command.kind, language)) +
                               " ticket " + number + ": it is " + from + " (" + from + " → " + to +
                               " is not allowed)";
            }
            return z ? "当前状态下不能这样操作" : "Not possible in the current state";
        }
        case ErrorCode::InvalidArgument:
            if (!error.field.empty()) {
                const std::string field(field_word(error.field, language));
                if (!z) return "Please check " + field + ": " + error.public_reason;
                const std::string& why = error.public_reason;
                if (why.find("longer") != std::string::npos ||
                    why.find("long") != std::string::npos) {
                    return field + "太长了";
                }
                if (why.find("one line") != std::string::npos) return field + "只能是一行文字";
                return "缺少" + field;
            }
            return z ? "指令格式不对" : "That command is malformed";
        default:
            return z ? "暂时无法处理，请稍后再试" : "Cannot do that right now, please retry";
    }
}

std::string did_you_mean(std::string_view suggestion, Language language) {
    return zh(language) ? "您是不是想输入「" + std::string(suggestion) + "」？"
                        : "Did you mean \"" + std::string(suggestion) + "\"?";
}

}  // namespace groupdesk::handlers::replies
