// The admin CLI's calls to the server's REST API, and the text of their failures.
#include "bot/cli/cli_rest.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "bot/cli/keywords_output.h"

namespace groupdesk::bot::cli {
namespace {

using Json = nlohmann::json;

// An export of many rules is far beyond the 1 MiB a platform answer is allowed.
constexpr std::size_t kMaxAnswerBytes = std::size_t{64} << 20;

std::string string_member(const Json& j, const char* key) {
    if (!j.is_object()) return "";
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

std::string refusal_text(int status, std::string_view body, std::string_view command) {
    const std::string prefix =
        std::string(command) + ": the server refused (HTTP " + std::to_string(status) + ")";
    const Json parsed = Json::parse(body, nullptr, false);
    const Json error = parsed.is_object() && parsed.contains("error") ? parsed["error"] : Json();
    if (!error.is_object()) {
        const std::string shown = fit_width(body, 200);
        return prefix + (shown.empty() ? "" : ": " + shown) + "\n";
    }
    std::string out = prefix + ": " + string_member(error, "message");
    const std::string field = string_member(error, "field");
    if (!field.empty()) out += " (" + field + ")";
    if (status == 401) out += "; check GROUPDESK_API_TOKEN";
    out += "\n";
    const Json problems = error.contains("problems") ? error["problems"] : Json();
    for (const auto& p : problems.is_array() ? problems : Json::array()) {
        std::string line = "  ";
        if (p.is_object() && p.contains("index")) line += "row " + string_member(p, "index") + ": ";
        const std::string where = string_member(p, "field");
        if (!where.empty()) line += where + ": ";
        out += line + string_member(p, "reason") + "\n";
    }
    return out;
}

std::optional<std::string> server_url(const std::string* option) {
    std::string server = option != nullptr ? *option : "http://127.0.0.1:8080";
    if (!server.starts_with("http://") && !server.starts_with("https://")) return std::nullopt;
    while (server.ends_with("/")) server.pop_back();
    return server;
}

void print_body(std::FILE* to, std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), to);
    if (text.empty() || text.back() != '\n') std::fputc('\n', to);
}

Answer call_server(const CliContext& ctx, wecom::HttpMethod method, std::string_view path,
                   std::string body) {
    wecom::HttpRequest request;
    request.method = method;
    request.url = ctx.server + std::string(path);
    request.headers.push_back({"Authorization", "Bearer " + ctx.token});
    request.headers.push_back({"Accept", "application/json"});
    if (method == wecom::HttpMethod::Post || method == wecom::HttpMethod::Patch) {
        request.headers.push_back({"Content-Type", "application/json"});
        request.body = std::move(body);
    }
    request.max_body = kMaxAnswerBytes;
    wecom::HttpTimeouts timeouts;
    timeouts.connect = std::chrono::seconds(5);
    timeouts.total = std::chrono::seconds(60);  // an import of thousands of rules takes a while

    Answer answer;
    auto result = ctx.http.request(request, timeouts);
    if (!result.ok()) {
        std::string reason = result.error().message;
        if (reason.starts_with("transport: ")) reason.erase(0, 11);
        std::fprintf(ctx.err, "%.*s: cannot reach the server at %s: %s\n",
                     static_cast<int>(ctx.command.size()), ctx.command.data(), ctx.server.c_str(),
                     reason.c_str());
        answer.exit_code = kExitUnreachable;
        return answer;
    }
    answer.status = result->status;
    answer.body = std::move(result->body);
    if (answer.status < 200 || answer.status > 299) {
        std::fputs(refusal_text(answer.status, answer.body, ctx.command).c_str(), ctx.err);
        answer.exit_code = kExitRefused;
    }
    return answer;
}

}  // namespace groupdesk::bot::cli
