// KeywordService: the rules' use cases — check, create, change, delete, import, restore from
// history, and "which rule would answer this text" — keeping the store and the live index in
// step. Every edit is durable before it is visible; the index that matching reads is replaced
// whole, atomically, after the store took the edit, so a message never waits on an edit and the
// next message after a successful edit sees it on every thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "keywords/keyword_index.h"
#include "keywords/keyword_store.h"
#include "keywords/local_time.h"

namespace groupdesk::keywords {

// One thing wrong with a rule as given: the field ("keywords[1]", "scope.channels[0]",
// "active_hours", …) and why, in words an admin can act on.
struct Problem {
    std::string field;
    std::string reason;
};

// What a test of a text finds.
struct TestResult {
    std::string normalized;             // the text as rules see it
    std::vector<Candidate> candidates;  // every keyword rule whose keywords match, in order
    const Rule* answer = nullptr;       // the one that answers, or the default rule, or null
    bool by_default = false;            // `answer` is the default reply (nothing matched)
    std::shared_ptr<const KeywordIndex> index;  // keeps the pointers above alive
};

class KeywordService {
public:
    // Loads every rule and builds the first index. `channels` are the configured channel names
    // (a scope may name only those).
    [[nodiscard]] static Result<std::unique_ptr<KeywordService>> open(
        KeywordStore& store, std::vector<std::string> channels, TimeZone zone);

    // The live index; never null. Safe on any thread; costs a short lock and a reference count.
    std::shared_ptr<const KeywordIndex> index() const {
        std::lock_guard lock(index_mutex_);
        return index_;
    }
    const TimeZone& zone() const { return zone_; }

    // What is wrong with `rule` as a new or changed rule (empty: nothing). The id, version, origin
    // and timestamps are not judged; a regex must compile.
    std::vector<Problem> check(const Rule& rule) const;

    // InvalidArgument (the first problem as Error::field) when check() finds one; the store's
    // errors otherwise (Aborted: the version is not the current one; NotFound).
    [[nodiscard]] Result<Rule> create(Rule rule, const std::string& actor, time_point now);
    // `rule` is the whole rule as it is to become, with the id and the version it was read at.
    [[nodiscard]] Result<Rule> update(Rule rule, const std::string& actor, time_point now);
    [[nodiscard]] Result<Rule> remove(std::int64_t id, int version, const std::string& actor,
                                      time_point now);
    // All or nothing: each rule is created, or updated when a rule with its non-empty origin
    // exists (so an import run twice changes nothing new). Rules must pass check() (the caller
    // reports every problem first).
    [[nodiscard]] Result<std::vector<Rule>> import(std::vector<Rule> rules,
                                                   const std::string& actor, time_point now);
    // The rule as it was after `version` made live again (as a new version of it, or a new rule
    // when it was deleted since).
    [[nodiscard]] Result<Rule> restore(std::int64_t id, int version, const std::string& actor,
                                       time_point now);
    [[nodiscard]] Result<std::vector<RuleVersion>> history(std::int64_t id);

    // Which rule answers `text` in `chat` of `channel` at `now`, and why the others do not.
    TestResult test(std::string_view text, std::string_view channel, std::string_view chat,
                    time_point now) const;

private:
    KeywordService(KeywordStore& store, std::vector<std::string> channels, TimeZone zone);
    // Applies `changes` to the store, then swaps in an index of the rules after them.
    Result<std::vector<Rule>> commit(const std::vector<RuleChange>& changes);
    // commit() of one change, answering the rule as stored. The caller holds edit_mutex_.
    Result<Rule> commit_one(RuleChange::Op op, Rule rule, const std::string& actor, time_point now);

    KeywordStore& store_;
    const std::set<std::string, std::less<>> channels_;
    const TimeZone zone_;
    std::mutex edit_mutex_;  // one edit at a time: each builds on the index the last one left
    // A plain mutex rather than std::atomic<std::shared_ptr>, whose libstdc++ 12 version
    // ThreadSanitizer reports as racing with the next swap; the lock is held for a pointer copy.
    mutable std::mutex index_mutex_;
    std::shared_ptr<const KeywordIndex> index_;
};

}  // namespace groupdesk::keywords
