// MemoryKeywordStore: an in-memory KeywordStore for tests, held to the same contract as SQLite's,
// with a switch that makes storage fail.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keywords/keyword_store.h"

namespace groupdesk::test {

// Thread-safe; record_hit() runs `done` synchronously, on the caller's thread. Times are kept to
// the second, like the SQLite backend, and the contract is read the same way (see
// storage/sqlite/sqlite_keyword_store.h): deleted rules keep their id and free their origin.
class MemoryKeywordStore final : public keywords::KeywordStore {
public:
    Result<std::vector<keywords::Rule>> load() override {
        std::lock_guard lock(mutex_);
        if (unavailable_) return failure();
        std::vector<keywords::Rule> rules;
        for (const auto& [id, rule] : live_) rules.push_back(rule);
        return rules;
    }

    Result<std::vector<keywords::Rule>> apply(
        const std::vector<keywords::RuleChange>& changes) override {
        std::lock_guard lock(mutex_);
        if (unavailable_) return failure();
        // Applied to copies, swapped in only when every change passed: all or nothing.
        auto live = live_;
        auto history = history_;
        auto next_id = next_id_;
        std::vector<keywords::Rule> stored;
        for (const keywords::RuleChange& change : changes) {
            auto rule = apply_one(change, live, history, next_id);
            if (!rule) return std::move(rule).error();
            stored.push_back(std::move(*rule));
        }
        live_ = std::move(live);
        history_ = std::move(history);
        next_id_ = next_id;
        return stored;
    }

    Result<std::vector<keywords::RuleVersion>> history(std::int64_t rule_id) override {
        std::lock_guard lock(mutex_);
        if (unavailable_) return failure();
        auto it = history_.find(rule_id);
        if (it == history_.end()) return std::vector<keywords::RuleVersion>{};
        return it->second;
    }

    void record_hit(keywords::Hit hit, Done done) override {
        Status status;
        {
            std::lock_guard lock(mutex_);
            if (unavailable_) {
                status = failure();
            } else {
                hit.at = seconds(hit.at);
                hits_.push_back(std::move(hit));
            }
        }
        done(std::move(status));
    }

    // While set, every call fails with Unavailable, as a broken disk would.
    void set_unavailable(bool unavailable) {
        std::lock_guard lock(mutex_);
        unavailable_ = unavailable;
    }

    // The hits recorded so far, oldest first.
    std::vector<keywords::Hit> hits() const {
        std::lock_guard lock(mutex_);
        return hits_;
    }

private:
    using Rules = std::map<std::int64_t, keywords::Rule>;
    using History = std::map<std::int64_t, std::vector<keywords::RuleVersion>>;

    static Error failure() {
        return make_error(ErrorCode::Unavailable, "memory keyword store set unavailable");
    }

    static keywords::time_point seconds(keywords::time_point t) {
        return std::chrono::time_point_cast<std::chrono::seconds>(t);
    }

    static bool origin_taken(const Rules& live, const std::string& origin, std::int64_t own_id) {
        if (origin.empty()) return false;
        for (const auto& [id, rule] : live) {
            if (id != own_id && rule.origin == origin) return true;
        }
        return false;
    }

    static Result<keywords::Rule> apply_one(const keywords::RuleChange& change, Rules& live,
                                            History& history, std::int64_t& next_id) {
        using Op = keywords::RuleChange::Op;
        const keywords::time_point at = seconds(change.at);
        auto record = [&](std::int64_t id, int version, std::optional<keywords::Rule> before,
                          std::optional<keywords::Rule> after) {
            history[id].push_back(keywords::RuleVersion{id, version, change.op, change.actor, at,
                                                        std::move(before), std::move(after)});
        };
        const std::string name = "keyword rule #" + std::to_string(change.rule.id);
        if (change.op == Op::Create) {
            keywords::Rule rule = change.rule;
            if (origin_taken(live, rule.origin, 0)) {
                return make_error(ErrorCode::AlreadyExists, "origin '" + rule.origin + "' taken");
            }
            rule.id = next_id++;
            rule.version = 1;
            rule.created_by = rule.updated_by = change.actor;
            rule.created_at = rule.updated_at = at;
            live[rule.id] = rule;
            record(rule.id, 1, std::nullopt, rule);
            return rule;
        }
        auto it = live.find(change.rule.id);
        if (it == live.end()) return make_error(ErrorCode::NotFound, name + " does not exist");
        const keywords::Rule current = it->second;
        if (current.version != change.rule.version) {
            return make_error(ErrorCode::Aborted, name + " changed");
        }
        if (change.op == Op::Delete) {
            live.erase(it);
            record(current.id, current.version + 1, current, std::nullopt);
            return current;
        }
        keywords::Rule rule = change.rule;
        if (origin_taken(live, rule.origin, rule.id)) {
            return make_error(ErrorCode::AlreadyExists, "origin '" + rule.origin + "' taken");
        }
        rule.version = current.version + 1;
        rule.created_by = current.created_by;
        rule.created_at = current.created_at;
        rule.updated_by = change.actor;
        rule.updated_at = at;
        it->second = rule;
        record(rule.id, rule.version, current, rule);
        return rule;
    }

    mutable std::mutex mutex_;
    Rules live_;
    History history_;
    std::int64_t next_id_ = 1;
    std::vector<keywords::Hit> hits_;
    bool unavailable_ = false;
};

}  // namespace groupdesk::test
