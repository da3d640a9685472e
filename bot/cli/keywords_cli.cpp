// The verbs of `groupdesk keywords`: parse the words, check what can be checked here (so a typo
// is a usage error, not a round trip), call the REST API and print for people or for scripts.
#include "bot/cli/keywords_cli.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "bot/cli/cli_options.h"
#include "bot/cli/cli_rest.h"
#include "bot/cli/keyword_rule_body.h"
#include "bot/cli/keywords_output.h"
#include "bot/cli/keywords_usage.h"

namespace groupdesk::bot::cli {
namespace {

using Json = nlohmann::json;
using wecom::HttpMethod;

constexpr const char* kTokenVariable = "GROUPDESK_API_TOKEN";
constexpr const char* kRules = "/api/v1/keywords";

struct Invocation {
    const CliContext& ctx;
    const ParsedArgs& args;
    std::size_t width;  // of the terminal, for tables
    bool json() const { return args.has("--json"); }
};

using Handler = int (*)(const Invocation&);

struct Verb {
    std::string_view name;
    std::vector<OptionSpec> options;
    std::size_t min_words;
    std::size_t max_words;
    Handler run;
};

// A usage error: one line naming the verb and where its help is.
int usage_error(std::FILE* err, std::string_view verb, const std::string& message) {
    const std::string where = verb.empty() ? "" : " " + std::string(verb);
    std::fprintf(err, "groupdesk keywords%s: %s (see groupdesk keywords%s --help)\n", where.c_str(),
                 message.c_str(), where.c_str());
    return kExitUsage;
}

bool read_file(const std::string& path, std::string& content) {
    if (path == "-") {
        content.assign(std::istreambuf_iterator<char>(std::cin), {});
        return !std::cin.bad();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    content.assign(std::istreambuf_iterator<char>(in), {});
    return !in.bad();
}

using Format = std::function<std::string(const Json&)>;

// Prints a 2xx answer: the body itself for --json (or without a format), otherwise `format` of
// the parsed body.
int show(const Invocation& call, const Answer& answer, const Format& format) {
    if (answer.exit_code != kExitOk) return answer.exit_code;
    if (call.json() || !format) {
        print_body(call.ctx.out, answer.body);
        return kExitOk;
    }
    const Json parsed = Json::parse(answer.body, nullptr, false);
    if (parsed.is_discarded()) {
        std::fprintf(call.ctx.err, "groupdesk keywords: the server's answer is not JSON\n");
        return kExitRefused;
    }
    std::fputs(format(parsed).c_str(), call.ctx.out);
    return kExitOk;
}

// The rule a verb stored, as one line of what happened and a one-row table.
int show_rule(const Invocation& call, const Answer& answer, std::string_view done) {
    if (answer.exit_code != kExitOk || call.json()) {
        return show(call, answer, nullptr);
    }
    const Json rule = Json::parse(answer.body, nullptr, false);
    if (!rule.is_object()) return show(call, answer, nullptr);
    std::fprintf(call.ctx.out, "%.*s rule %s (version %s)\n", static_cast<int>(done.size()),
                 done.data(), rule.value("id", Json()).dump().c_str(),
                 rule.value("version", Json()).dump().c_str());
    std::fputs(rules_table(Json::array({rule}), call.width).c_str(), call.ctx.out);
    return kExitOk;
}

std::string rule_path(const std::string& id) { return std::string(kRules) + "/" + id; }

int list(const Invocation& call) {
    const Answer answer = call_server(call.ctx, HttpMethod::Get, kRules);
    return show(call, answer, [&](const Json& j) { return rules_table(j, call.width); });
}

int add(const Invocation& call) {
    std::string problem;
    const auto body = rule_body(call.args, RuleEdit::Create, problem);
    if (!body) return usage_error(call.ctx.err, "add", problem);
    return show_rule(call, call_server(call.ctx, HttpMethod::Post, kRules, *body), "added");
}

int update(const Invocation& call) {
    std::string problem;
    const auto body = rule_body(call.args, RuleEdit::Update, problem);
    if (!body) return usage_error(call.ctx.err, "update", problem);
    const std::string& id = call.args.positionals[0];
    return show_rule(call, call_server(call.ctx, HttpMethod::Patch, rule_path(id), *body),
                     "updated");
}

int remove(const Invocation& call) {
    const std::string& id = call.args.positionals[0];
    const Answer answer = call_server(call.ctx, HttpMethod::Delete, rule_path(id));
    if (answer.exit_code != kExitOk || call.json()) return show(call, answer, nullptr);
    const Json rule = Json::parse(answer.body, nullptr, false);
    const std::string version = rule.is_object() ? rule.value("version", Json()).dump() : "?";
    std::fprintf(call.ctx.out,
                 "deleted rule %s (it was at version %s; `groupdesk keywords restore %s %s` "
                 "brings it back)\n",
                 id.c_str(), version.c_str(), id.c_str(), version.c_str());
    return kExitOk;
}

int export_rules(const Invocation& call) {
    const Answer answer = call_server(call.ctx, HttpMethod::Get, std::string(kRules) + "/export");
    if (answer.exit_code != kExitOk) return answer.exit_code;
    const std::string* output = call.args.last("--output");
    if (output == nullptr) {
        print_body(call.ctx.out, answer.body);
        return kExitOk;
    }
    std::ofstream file(*output, std::ios::binary | std::ios::trunc);
    file << answer.body;
    if (answer.body.empty() || answer.body.back() != '\n') file << '\n';
    file.close();
    if (!file) {
        std::fprintf(call.ctx.err, "groupdesk keywords export: cannot write %s\n", output->c_str());
        return kExitUsage;
    }
    const Json parsed = Json::parse(answer.body, nullptr, false);
    const std::size_t count =
        parsed.is_object() && parsed.contains("rules") && parsed["rules"].is_array()
            ? parsed["rules"].size()
            : 0;
    std::fprintf(call.ctx.out, "exported %zu rules to %s\n", count, output->c_str());
    return kExitOk;
}

// A file of JSON given on the command line: unreadable or not JSON is the caller's mistake.
bool read_json_file(const Invocation& call, std::string_view verb, const std::string& path,
                    Json& json) {
    std::string content;
    if (!read_file(path, content)) {
        usage_error(call.ctx.err, verb, "cannot read " + path);
        return false;
    }
    json = Json::parse(content, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        usage_error(call.ctx.err, verb, path + " is not a JSON object");
        return false;
    }
    return true;
}

int import_rules(const Invocation& call) {
    Json rules;
    if (!read_json_file(call, "import", call.args.positionals[0], rules)) return kExitUsage;
    const Answer answer =
        call_server(call.ctx, HttpMethod::Post, std::string(kRules) + "/import", rules.dump());
    return show(call, answer, [](const Json& j) {
        return "imported " + j.value("imported", Json()).dump() +
               " rules: " + j.value("created", Json()).dump() + " created, " +
               j.value("updated", Json()).dump() + " updated\n";
    });
}

int test(const Invocation& call) {
    Json body = {{"text", call.args.positionals[0]}};
    if (const auto* channel = call.args.last("--channel")) body["channel"] = *channel;
    if (const auto* chat = call.args.last("--chat")) body["chat"] = *chat;
    const Answer answer =
        call_server(call.ctx, HttpMethod::Post, std::string(kRules) + "/test", body.dump());
    return show(call, answer, test_report);
}

int history(const Invocation& call) {
    const Answer answer =
        call_server(call.ctx, HttpMethod::Get, rule_path(call.args.positionals[0]) + "/history");
    return show(call, answer, [&](const Json& j) { return history_table(j, call.width); });
}

int restore(const Invocation& call) {
    long long version = 0;
    if (!parse_integer(call.args.positionals[1], version) || version < 1) {
        return usage_error(call.ctx.err, "restore", "VERSION must be a whole number from 1");
    }
    const Json body = {{"version", version}};
    const Answer answer = call_server(
        call.ctx, HttpMethod::Post, rule_path(call.args.positionals[0]) + "/restore", body.dump());
    return show_rule(call, answer, "restored");
}

int import_mp(const Invocation& call) {
    const std::string* channel = call.args.last("--channel");
    if (channel == nullptr || channel->empty()) {
        return usage_error(call.ctx.err, "import-mp", "--channel NAME is required");
    }
    Json body = {{"channel", *channel}};
    if (const auto* file = call.args.last("--file")) {
        Json saved;
        if (!read_json_file(call, "import-mp", *file, saved)) return kExitUsage;
        body["answer"] = std::move(saved);
    }
    const Answer answer =
        call_server(call.ctx, HttpMethod::Post, std::string(kRules) + "/import-mp", body.dump());
    return show(call, answer, mp_import_report);
}

const std::vector<Verb>& verbs() {
    const OptionSpec server{"--server", true};
    const OptionSpec json{"--json", false};
    static const std::vector<Verb> kVerbs = {
        {"list", {server, json}, 0, 0, &list},
        {"add", rule_options(RuleEdit::Create, {server, json}), 0, 0, &add},
        {"update", rule_options(RuleEdit::Update, {server, json}), 1, 1, &update},
        {"rm", {server, json}, 1, 1, &remove},
        {"export", {server, {"--output", true}}, 0, 0, &export_rules},
        {"import", {server, json}, 1, 1, &import_rules},
        {"test", {server, json, {"--channel", true}, {"--chat", true}}, 1, 1, &test},
        {"history", {server, json}, 1, 1, &history},
        {"restore", {server, json}, 2, 2, &restore},
        {"import-mp", {server, json, {"--channel", true}, {"--file", true}}, 0, 0, &import_mp},
    };
    return kVerbs;
}

}  // namespace

std::size_t terminal_width(const EnvLookup& env) {
    long long columns = 0;
    const auto text = env("COLUMNS");
    if (!text || !parse_integer(*text, columns)) return 100;
    return static_cast<std::size_t>(std::clamp(columns, 60LL, 400LL));
}

EnvLookup process_env() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        return value == nullptr ? std::nullopt : std::optional<std::string>(value);
    };
}

int run_keywords_cli(const std::vector<std::string>& args, wecom::HttpClient& http, std::FILE* out,
                     std::FILE* err, const EnvLookup& env) {
    // Options before the verb: only --server and help.
    std::vector<std::string> words;
    std::size_t i = 0;
    for (; i < args.size() && args[i].starts_with("-"); ++i) {
        if (args[i] == "--help" || args[i] == "-h") {
            std::fputs(kKeywordsUsage, out);
            return kExitOk;
        }
        if (args[i] == "--server" && i + 1 < args.size()) {
            words.push_back(args[i]);
            words.push_back(args[++i]);
        } else if (args[i].starts_with("--server=")) {
            words.push_back(args[i]);
        } else if (args[i] == "--server") {
            return usage_error(err, "", "--server needs a value");
        } else {
            return usage_error(err, "", "unknown option " + args[i] + " before the verb");
        }
    }
    if (i == args.size()) {
        std::fputs(kKeywordsUsage, err);
        return kExitUsage;
    }
    const std::string& name = args[i];
    const auto& all = verbs();
    const auto verb =
        std::find_if(all.begin(), all.end(), [&](const Verb& v) { return v.name == name; });
    if (verb == all.end()) return usage_error(err, "", "unknown verb " + name);
    words.insert(words.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());

    const ParseOutcome parsed = parse_options(words, verb->options);
    if (parsed.args.help) {
        std::fputs(keywords_verb_usage(verb->name), out);
        return kExitOk;
    }
    if (!parsed.error.empty()) return usage_error(err, verb->name, parsed.error);
    const auto& positionals = parsed.args.positionals;
    if (positionals.size() < verb->min_words) {
        return usage_error(err, verb->name, "missing arguments");
    }
    if (positionals.size() > verb->max_words) {
        return usage_error(err, verb->name, "unexpected argument " + positionals[verb->max_words]);
    }
    const bool takes_id = verb->name == "update" || verb->name == "rm" || verb->name == "history" ||
                          verb->name == "restore";
    long long id = 0;
    if (takes_id && (!parse_integer(positionals[0], id) || id < 1)) {
        return usage_error(err, verb->name, "ID must be a rule id (a whole number from 1)");
    }

    const auto server = server_url(parsed.args.last("--server"));
    if (!server) {
        return usage_error(err, verb->name, "--server must be an http:// or https:// URL");
    }
    const auto token = env(kTokenVariable);
    if (!token || token->empty()) {
        std::fprintf(err,
                     "groupdesk keywords: %s is not set; export an admin token from the "
                     "server's api_tokens\n",
                     kTokenVariable);
        return kExitUsage;
    }
    const CliContext ctx{http, *server, *token, out, err};
    return verb->run(Invocation{ctx, parsed.args, terminal_width(env)});
}

}  // namespace groupdesk::bot::cli
