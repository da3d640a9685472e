// KeywordStore: where the rules, their history and the hits are kept. The rules are few (tens of
// thousands at most) and all of them are in memory while the server runs; the store is their
// durable copy and the record of every change and every answer given.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "keywords/rule.h"

namespace groupdesk::keywords {

// One change to one rule.
struct RuleChange {
    enum class Op { Create, Update, Delete };
    Op op = Op::Create;
    // Create: the new rule (id 0; the store assigns it and sets version 1). Update: the rule as it
    // is to become, with the version it had when read. Delete: the rule's id and that version.
    Rule rule;
    std::string actor;  // who made the change ("api:ops-console", a user id, "import")
    time_point at{};
};

// "create", "update", "delete": as the REST API shows a change and the store keeps it.
std::string_view to_string(RuleChange::Op op) noexcept;
std::optional<RuleChange::Op> parse_change_op(std::string_view word) noexcept;

// The record of one change: the rule before and after it (absent before a create / after a
// delete).
struct RuleVersion {
    std::int64_t rule_id = 0;
    int version = 0;  // the version the change made (for a delete: the deleted version + 1)
    RuleChange::Op op = RuleChange::Op::Create;
    std::string actor;
    time_point at{};
    std::optional<Rule> before;
    std::optional<Rule> after;
};

// An answer given by a rule.
struct Hit {
    std::int64_t rule_id = 0;
    std::string channel;
    std::string chat;    // the group chat id, or the user id of a single chat
    std::string sender;  // who asked
    time_point at{};
};

// Implementers: every call may come from any thread. apply() is all-or-nothing over its changes
// and durable when it returns ok; an Update or Delete whose version is not the stored one fails
// the whole call with Aborted (someone else changed the rule), an unknown id with NotFound.
class KeywordStore {
public:
    using Done = std::function<void(Status)>;

    virtual ~KeywordStore() = default;

    // Every rule, deleted ones excluded, in id order.
    [[nodiscard]] virtual Result<std::vector<Rule>> load() = 0;
    // Applies the changes in order in one transaction, each with its history row; returns the
    // rules as stored after each change (ids and versions set; for a delete, the deleted rule).
    [[nodiscard]] virtual Result<std::vector<Rule>> apply(
        const std::vector<RuleChange>& changes) = 0;
    // The changes of one rule, oldest first; empty for an id never used.
    [[nodiscard]] virtual Result<std::vector<RuleVersion>> history(std::int64_t rule_id) = 0;
    // Records a hit; reports through `done` exactly once, on any thread, when durable.
    virtual void record_hit(Hit hit, Done done) = 0;
};

}  // namespace groupdesk::keywords
