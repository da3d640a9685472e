// The rules' use cases: checks, edits through the store, the index swapped after each.
#include "keywords/keyword_service.h"

#include <algorithm>
#include <map>

#include "keywords/normalize.h"

namespace groupdesk::keywords {
namespace {

// A passive text reply and an app message take 2,048 bytes; one limit for every channel.
constexpr std::size_t kMaxReplyBytes = 2048;
constexpr std::size_t kMaxKeywords = 100;
constexpr std::size_t kMaxKeywordBytes = 256;
constexpr std::size_t kMaxChatIdBytes = 128;
constexpr int kMaxPriority = 1000;

bool is_printable_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

bool is_web_url(std::string_view url) {
    return (url.starts_with("https://") || url.starts_with("http://")) && url.size() <= 2048 &&
           is_printable_ascii(url);
}

std::string indexed(std::string_view field, std::size_t i) {
    return std::string(field) + "[" + std::to_string(i) + "]";
}

// The rules after `stored` (the store's answer to `changes`) are applied to `rules`.
std::vector<Rule> after(std::vector<Rule> rules, const std::vector<RuleChange>& changes,
                        const std::vector<Rule>& stored) {
    std::map<std::int64_t, Rule> by_id;
    for (auto& r : rules) by_id.emplace(r.id, std::move(r));
    for (std::size_t i = 0; i < changes.size() && i < stored.size(); ++i) {
        if (changes[i].op == RuleChange::Op::Delete) {
            by_id.erase(stored[i].id);
        } else {
            by_id[stored[i].id] = stored[i];
        }
    }
    std::vector<Rule> out;
    out.reserve(by_id.size());
    for (auto& [id, r] : by_id) out.push_back(std::move(r));
    return out;
}

Error invalid(const Problem& p) { return field_error(p.field, p.field + " " + p.reason); }

}  // namespace

KeywordService::KeywordService(KeywordStore& store, std::vector<std::string> channels,
                               TimeZone zone)
    : store_(store), channels_(channels.begin(), channels.end()), zone_(std::move(zone)) {}

Result<std::unique_ptr<KeywordService>> KeywordService::open(KeywordStore& store,
                                                             std::vector<std::string> channels,
                                                             TimeZone zone) {
    auto rules = store.load();
    if (!rules.ok()) return std::move(rules).error();
    auto index = KeywordIndex::build(std::move(rules).value());
    if (!index.ok()) {
        // A stored rule that no longer compiles (an RE2 upgrade could do it) must not keep the
        // server down: say which, and let the admin fix it.
        return make_error(ErrorCode::FailedPrecondition,
                          "stored keyword rules: " + index.error().message);
    }
    std::unique_ptr<KeywordService> service(
        new KeywordService(store, std::move(channels), std::move(zone)));
    service->index_ = std::move(index).value();
    return service;
}

std::vector<Problem> KeywordService::check(const Rule& rule) const {
    std::vector<Problem> problems;
    auto fail = [&](std::string field, std::string reason) {
        problems.push_back(Problem{std::move(field), std::move(reason)});
    };
    if (rule.kind == RuleKind::Keyword) {
        if (rule.keywords.empty()) fail("keywords", "must list at least one keyword");
        if (rule.keywords.size() > kMaxKeywords) fail("keywords", "may list at most 100 keywords");
        for (std::size_t i = 0; i < rule.keywords.size() && i < kMaxKeywords; ++i) {
            const std::string& k = rule.keywords[i];
            if (k.size() > kMaxKeywordBytes) {
                fail(indexed("keywords", i), "must be at most 256 bytes");
            } else if (rule.match_type != MatchType::Regex && normalize(k).empty()) {
                fail(indexed("keywords", i), "must not be empty or only spaces");
            } else if (rule.match_type == MatchType::Regex && k.empty()) {
                fail(indexed("keywords", i), "must not be empty");
            }
        }
        if (rule.match_type == MatchType::Regex && problems.empty()) {
            Rule alone = rule;
            alone.id = 1;
            auto compiled = KeywordIndex::build({alone});
            if (!compiled.ok()) {
                // RE2's own words, without the made-up id of this trial compile.
                const Error& e = compiled.error();
                fail("keywords", e.public_reason.empty() ? e.message : e.public_reason);
            }
        }
    } else if (!rule.keywords.empty()) {
        fail("keywords",
             std::string("must be empty for a ") + std::string(to_string(rule.kind)) + " rule");
    }
    if (rule.news) {
        if (rule.news->title.empty()) fail("news.title", "must not be empty");
        if (!rule.news->url.empty() && !is_web_url(rule.news->url)) {
            fail("news.url", "must be an http:// or https:// URL");
        }
        if (!rule.news->pic_url.empty() && !is_web_url(rule.news->pic_url)) {
            fail("news.pic_url", "must be an http:// or https:// URL");
        }
    } else if (rule.reply.empty()) {
        fail("reply", "must not be empty");
    }
    if (rule.reply.size() > kMaxReplyBytes) fail("reply", "must be at most 2048 bytes");
    if (rule.priority < -kMaxPriority || rule.priority > kMaxPriority) {
        fail("priority", "must be between -1000 and 1000");
    }
    for (std::size_t i = 0; i < rule.scope.channels.size(); ++i) {
        if (!channels_.contains(rule.scope.channels[i])) {
            fail(indexed("scope.channels", i), "is not a configured channel");
        }
    }
    for (std::size_t i = 0; i < rule.scope.chats.size(); ++i) {
        const std::string& chat = rule.scope.chats[i];
        if (chat.empty() || chat.size() > kMaxChatIdBytes || !is_printable_ascii(chat)) {
            fail(indexed("scope.chats", i),
                 "must be a chat or user id of 1 to 128 printable ASCII characters");
        }
    }
    if (const auto& h = rule.active_hours) {
        if (h->start_minute < 0 || h->start_minute > 1439 || h->end_minute < 0 ||
            h->end_minute > 1440 || h->start_minute == h->end_minute) {
            fail("active_hours", "must be two different times of day from 00:00 to 24:00");
        }
    }
    return problems;
}

Result<std::vector<Rule>> KeywordService::commit(const std::vector<RuleChange>& changes) {
    auto stored = store_.apply(changes);
    if (!stored.ok()) return stored;
    auto rebuilt = KeywordIndex::build(after(index()->rules(), changes, *stored));
    if (!rebuilt.ok()) {
        // check() compiled every pattern first, so only a bug gets here; the edit is stored and
        // the next successful edit (or a restart) makes it live.
        return make_error(ErrorCode::Internal,
                          "the edit was saved but not made live: " + rebuilt.error().message);
    }
    std::shared_ptr<const KeywordIndex> replaced = std::move(rebuilt).value();
    {
        std::lock_guard lock(index_mutex_);
        index_.swap(replaced);
    }
    // `replaced` (the old index) is freed here, outside the lock, unless a reader still holds it.
    return stored;
}

Result<Rule> KeywordService::commit_one(RuleChange::Op op, Rule rule, const std::string& actor,
                                        time_point now) {
    auto stored = commit({RuleChange{op, std::move(rule), actor, now}});
    if (!stored.ok()) return std::move(stored).error();
    return stored->front();
}

Result<Rule> KeywordService::create(Rule rule, const std::string& actor, time_point now) {
    if (auto problems = check(rule); !problems.empty()) return invalid(problems.front());
    rule.id = 0;
    std::lock_guard lock(edit_mutex_);
    return commit_one(RuleChange::Op::Create, std::move(rule), actor, now);
}

Result<Rule> KeywordService::update(Rule rule, const std::string& actor, time_point now) {
    if (auto problems = check(rule); !problems.empty()) return invalid(problems.front());
    std::lock_guard lock(edit_mutex_);
    return commit_one(RuleChange::Op::Update, std::move(rule), actor, now);
}

Result<Rule> KeywordService::remove(std::int64_t id, int version, const std::string& actor,
                                    time_point now) {
    Rule rule;
    rule.id = id;
    rule.version = version;
    std::lock_guard lock(edit_mutex_);
    return commit_one(RuleChange::Op::Delete, std::move(rule), actor, now);
}

Result<std::vector<Rule>> KeywordService::import(std::vector<Rule> rules, const std::string& actor,
                                                 time_point now) {
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (auto problems = check(rules[i]); !problems.empty()) {
            Problem p = problems.front();
            p.field = indexed("rules", i) + "." + p.field;
            return invalid(p);
        }
    }
    std::lock_guard lock(edit_mutex_);
    const auto current = index();
    std::map<std::string, const Rule*, std::less<>> by_origin;
    for (const auto& r : current->rules()) {
        if (!r.origin.empty()) by_origin.emplace(r.origin, &r);
    }
    std::vector<RuleChange> changes;
    changes.reserve(rules.size());
    for (auto& rule : rules) {
        RuleChange change{RuleChange::Op::Create, std::move(rule), actor, now};
        if (const auto it = by_origin.find(change.rule.origin);
            !change.rule.origin.empty() && it != by_origin.end()) {
            change.op = RuleChange::Op::Update;
            change.rule.id = it->second->id;
            change.rule.version = it->second->version;
        } else {
            change.rule.id = 0;
        }
        changes.push_back(std::move(change));
    }
    return commit(changes);
}

Result<Rule> KeywordService::restore(std::int64_t id, int version, const std::string& actor,
                                     time_point now) {
    auto versions = store_.history(id);
    if (!versions.ok()) return std::move(versions).error();
    const auto it = std::find_if(versions->begin(), versions->end(),
                                 [&](const RuleVersion& v) { return v.version == version; });
    if (it == versions->end() || !it->after) {
        return with_public_reason(
            make_error(ErrorCode::NotFound, "rule " + std::to_string(id) + " has no version " +
                                                std::to_string(version) + " to restore"),
            "no such version of the rule");
    }
    Rule rule = *it->after;
    std::lock_guard lock(edit_mutex_);
    if (const Rule* live = index()->find(id)) {
        rule.version = live->version;
        if (auto problems = check(rule); !problems.empty()) return invalid(problems.front());
        return commit_one(RuleChange::Op::Update, std::move(rule), actor, now);
    }
    // Deleted since: it comes back as a new rule. Its origin is kept only if free again: an
    // import run after the delete gave it to a new rule, which the next import must keep finding.
    rule.id = 0;
    const auto& live = index()->rules();
    if (std::any_of(live.begin(), live.end(), [&](const Rule& r) {
            return !rule.origin.empty() && r.origin == rule.origin;
        })) {
        rule.origin.clear();
    }
    if (auto problems = check(rule); !problems.empty()) return invalid(problems.front());
    return commit_one(RuleChange::Op::Create, std::move(rule), actor, now);
}

Result<std::vector<RuleVersion>> KeywordService::history(std::int64_t id) {
    return store_.history(id);
}

TestResult KeywordService::test(std::string_view text, std::string_view channel,
                                std::string_view chat, time_point now) const {
    TestResult result;
    result.index = index();
    result.normalized = normalize(text);
    const MatchContext where{channel, chat, zone_.minute_of_day(now)};
    result.candidates = result.index->explain(result.normalized, where);
    result.answer = result.index->match(result.normalized, where);
    if (result.answer == nullptr) {
        result.answer = result.index->special(RuleKind::Default, where);
        result.by_default = result.answer != nullptr;
    }
    return result;
}

}  // namespace groupdesk::keywords
