// `groupdesk conversations [show CHANNEL USER]`: parse the words, check what can be checked here
// (so a typo is a usage error, not a round trip), call the REST API, print for people or scripts.
#include "bot/cli/conversations_cli.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "bot/cli/cli_options.h"
#include "bot/cli/cli_rest.h"
#include "bot/cli/conversations_output.h"

namespace groupdesk::bot::cli {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kCommand = "groupdesk conversations";
constexpr const char* kTokenVariable = "GROUPDESK_API_TOKEN";
constexpr const char* kConversations = "/api/v1/conversations";
// Longer than any channel name or openid; the server refuses longer path segments.
constexpr std::size_t kMaxSegment = 128;

constexpr const char* kUsage =
    "usage: groupdesk conversations [--at-risk] [--channel NAME] [--limit N] [--json]\n"
    "       groupdesk conversations show CHANNEL USER [--json]\n"
    "Official Account users whose 48-hour reply window is open, the one closing first first,\n"
    "from the running server's REST API; `show` prints one user's window, open or closed.\n"
    "\n"
    "options:\n"
    "  --at-risk       only users who wait for an answer or have an open ticket\n"
    "  --channel NAME  only this Official Account channel\n"
    "  --limit N       at most N conversations, 1 to 100 (default 50)\n"
    "  --json          print the server's JSON instead of a table, for scripts\n"
    "  --server URL    the server (default http://127.0.0.1:8080)\n"
    "  -h, --help      this help\n"
    "\n"
    "Columns: LEFT is the time left to answer (\"closed\" once past), QUOTA the messages still\n"
    "allowed, TICKETS the user's open tickets, LAST the start of the user's latest message.\n"
    "The API token (agent or admin) is read from the environment variable GROUPDESK_API_TOKEN.\n"
    "Exit codes: 0 done, 1 the server refused, 2 usage error, 3 the server cannot be reached.\n";

int usage_error(std::FILE* err, const std::string& message) {
    std::fprintf(err, "%.*s: %s (see groupdesk conversations --help)\n",
                 static_cast<int>(kCommand.size()), kCommand.data(), message.c_str());
    return kExitUsage;
}

bool is_channel_name(std::string_view name) {
    return !name.empty() && name.size() <= kMaxSegment &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
           });
}

// An openid goes into the path as it is: nothing that would end or escape the segment.
bool is_user_id(std::string_view user) {
    return !user.empty() && user.size() <= kMaxSegment &&
           std::none_of(user.begin(), user.end(), [](char c) {
               return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '/' || c == '?' ||
                      c == '#' || c == '%';
           });
}

// The list's query string from the options; empty `problem` when they are good.
std::string list_query(const ParsedArgs& args, std::string& problem) {
    std::string query;
    auto add = [&](const std::string& pair) { query += (query.empty() ? "?" : "&") + pair; };
    if (args.has("--at-risk")) add("at_risk=true");
    if (const auto* channel = args.last("--channel")) {
        if (!is_channel_name(*channel)) problem = "--channel must be a channel name ([a-z0-9_-])";
        add("channel=" + *channel);
    }
    if (const auto* limit = args.last("--limit")) {
        long long n = 0;
        if (!parse_integer(*limit, n) || n < 1 || n > 100) {
            problem = "--limit must be a whole number from 1 to 100";
        }
        add("limit=" + *limit);
    }
    return query;
}

// Prints a 2xx answer: the body for --json, `format` of it otherwise.
template <class Format>
int show(const CliContext& ctx, const Answer& answer, bool json, Format format) {
    if (answer.exit_code != kExitOk) return answer.exit_code;
    if (json) {
        print_body(ctx.out, answer.body);
        return kExitOk;
    }
    const Json parsed = Json::parse(answer.body, nullptr, false);
    if (!parsed.is_object()) {
        std::fprintf(ctx.err, "%.*s: the server's answer is not a JSON object\n",
                     static_cast<int>(kCommand.size()), kCommand.data());
        return kExitRefused;
    }
    std::fputs(format(parsed).c_str(), ctx.out);
    return kExitOk;
}

}  // namespace

int run_conversations_cli(const std::vector<std::string>& args, wecom::HttpClient& http,
                          std::FILE* out, std::FILE* err, const EnvLookup& env) {
    const std::vector<OptionSpec> specs = {{"--at-risk", false},
                                           {"--channel", true},
                                           {"--limit", true},
                                           {"--json", false},
                                           {"--server", true}};
    const ParseOutcome parsed = parse_options(args, specs);
    if (parsed.args.help) {
        std::fputs(kUsage, out);
        return kExitOk;
    }
    if (!parsed.error.empty()) return usage_error(err, parsed.error);
    const auto& words = parsed.args.positionals;
    const bool show_one = !words.empty() && words[0] == "show";
    if (!words.empty() && !show_one) return usage_error(err, "unknown verb " + words[0]);

    std::string path = kConversations;
    if (show_one) {
        if (words.size() != 3) return usage_error(err, "show takes CHANNEL and USER");
        for (const char* list_only : {"--at-risk", "--channel", "--limit"}) {
            if (parsed.args.has(list_only)) {
                return usage_error(err, std::string(list_only) + " is for the list, not show");
            }
        }
        if (!is_channel_name(words[1])) {
            return usage_error(err, "CHANNEL must be a channel name ([a-z0-9_-])");
        }
        if (!is_user_id(words[2])) return usage_error(err, "USER must be an openid");
        path += "/" + words[1] + "/" + words[2];
    } else {
        std::string problem;
        path += list_query(parsed.args, problem);
        if (!problem.empty()) return usage_error(err, problem);
    }

    const auto server = server_url(parsed.args.last("--server"));
    if (!server) return usage_error(err, "--server must be an http:// or https:// URL");
    const auto token = env(kTokenVariable);
    if (!token || token->empty()) {
        std::fprintf(err, "%.*s: %s is not set; export an API token from the server's api_tokens\n",
                     static_cast<int>(kCommand.size()), kCommand.data(), kTokenVariable);
        return kExitUsage;
    }
    const CliContext ctx{http, *server, *token, out, err, kCommand};
    const Answer answer = call_server(ctx, wecom::HttpMethod::Get, path);
    const bool json = parsed.args.has("--json");
    if (show_one) return show(ctx, answer, json, conversation_report);
    const std::size_t width = terminal_width(env);
    return show(ctx, answer, json, [&](const Json& page) {
        std::string text = conversations_table(page, width);
        if (page.contains("next_after")) {
            text += "(more follow: narrow with --channel or --at-risk, or use --json)\n";
        }
        return text;
    });
}

}  // namespace groupdesk::bot::cli
