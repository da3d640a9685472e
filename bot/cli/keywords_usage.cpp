// Help texts. Each verb's text is complete on its own: an admin reads one, not the whole list.
#include "bot/cli/keywords_usage.h"

#include <array>
#include <utility>

namespace groupdesk::bot::cli {

const char* const kKeywordsUsage =
    "usage: groupdesk keywords VERB [options]\n"
    "Edits keyword auto-replies on the running server through its REST API.\n"
    "\n"
    "verbs:\n"
    "  list                      every rule, as a table\n"
    "  add                       add a rule\n"
    "  update ID                 change some fields of a rule\n"
    "  rm ID                     delete a rule (its history stays; restore brings it back)\n"
    "  export [--output FILE]    every rule as JSON, in the form import takes\n"
    "  import FILE               add or update the rules of an export, all or nothing\n"
    "  test TEXT                 which rule would answer TEXT, and why the others would not\n"
    "  history ID                every change of a rule: who, when, what\n"
    "  restore ID VERSION        make a rule as it was after VERSION live again\n"
    "  import-mp --channel NAME  take over an Official Account's own auto-replies\n"
    "\n"
    "options of every verb:\n"
    "  --server URL   the server (default http://127.0.0.1:8080)\n"
    "  --json         print the server's JSON instead of text, for scripts\n"
    "  -h, --help     help; `groupdesk keywords VERB --help` for one verb\n"
    "\n"
    "The admin API token is read from the environment variable GROUPDESK_API_TOKEN.\n"
    "Exit codes: 0 done, 1 the server refused, 2 usage error, 3 the server cannot be reached.\n";

namespace {

#define GD_RULE_OPTIONS                                                                       \
    "  --keyword K          a keyword; repeat for several (keyword rules need one)\n"         \
    "  --reply TEXT         the reply (markdown for the AI bot)\n"                            \
    "  --match TYPE         exact, prefix, contains or regex (default contains)\n"            \
    "  --priority N         -1000 to 1000, higher wins (default 0)\n"                         \
    "  --channel NAME       answer only in this channel; repeat for several\n"                \
    "  --chat ID            answer only in this chat; repeat for several\n"                   \
    "  --hours HH:MM-HH:MM  answer only in these hours (an end before the start wraps past\n" \
    "                       midnight), in the server's time zone\n"                           \
    "  --kind KIND          keyword, follow (the reply on follow) or default (when nothing\n" \
    "                       matches)\n"

#define GD_COMMON_OPTIONS                                                 \
    "  --server URL         the server (default http://127.0.0.1:8080)\n" \
    "  -h, --help           this text\n"

constexpr std::array<std::pair<std::string_view, const char*>, 10> kVerbUsages = {{
    {"list",
     "usage: groupdesk keywords list [--json]\n"
     "Every rule in id order: id, kind, match type, priority, enabled, keywords, reply.\n"
     "  --json               the server's JSON ({\"rules\": [...]})\n" GD_COMMON_OPTIONS},
    {"add",
     "usage: groupdesk keywords add --keyword K [--keyword K2 ...] --reply TEXT [options]\n"
     "Adds a rule; it answers the next message.\n" GD_RULE_OPTIONS
     "  --disabled           add it switched off\n"
     "  --json               print the stored rule as JSON\n" GD_COMMON_OPTIONS
     "example: groupdesk keywords add --keyword 退款 --keyword refund --reply "
     "\"请提供订单号\"\n"},
    {"update",
     "usage: groupdesk keywords update ID [options]\n"
     "Changes the fields given and keeps the others. --keyword, --channel and --chat replace\n"
     "the whole list.\n" GD_RULE_OPTIONS "  --enable, --disabled switch the rule on or off\n"
     "  --no-hours           answer at any hour\n"
     "  --everywhere         answer in every channel and chat\n"
     "  --json               print the stored rule as JSON\n" GD_COMMON_OPTIONS},
    {"rm",
     "usage: groupdesk keywords rm ID [--json]\n"
     "Deletes a rule. Its history stays: `restore ID VERSION` brings it back.\n"
     "  --json               print the deleted rule as JSON\n" GD_COMMON_OPTIONS},
    {"export",
     "usage: groupdesk keywords export [--output FILE]\n"
     "Every rule as JSON ({\"rules\": [...]}), the form `import` takes.\n"
     "  --output FILE        write to FILE instead of standard output\n" GD_COMMON_OPTIONS},
    {"import",
     "usage: groupdesk keywords import FILE [--json]\n"
     "Adds or updates the rules of FILE ({\"rules\": [...]}, as `export` writes; - reads\n"
     "standard input). All or nothing: one bad row changes nothing, and every problem is\n"
     "printed as \"row N: field: reason\". A row whose origin names a stored rule updates it.\n"
     "  --json               print the server's JSON\n" GD_COMMON_OPTIONS},
    {"test",
     "usage: groupdesk keywords test TEXT [--channel NAME] [--chat ID] [--json]\n"
     "Which rule would answer TEXT now and with what, and why each other matching rule\n"
     "would not (lower_priority, out_of_scope, disabled, outside_hours); or why none would.\n"
     "  --channel NAME       judge scopes as if TEXT came in this channel\n"
     "  --chat ID            ... and in this chat (a group chat id or a user id)\n"
     "  --json               the server's JSON\n" GD_COMMON_OPTIONS},
    {"history",
     "usage: groupdesk keywords history ID [--json]\n"
     "Every change of a rule, oldest first: version, operation, who, when, what changed.\n"
     "  --json               the server's JSON, with each version before and "
     "after\n" GD_COMMON_OPTIONS},
    {"restore",
     "usage: groupdesk keywords restore ID VERSION [--json]\n"
     "Makes the rule as it was after VERSION (see `history ID`) live again, as a new version\n"
     "(or as a new rule if it was deleted since).\n"
     "  --json               print the stored rule as JSON\n" GD_COMMON_OPTIONS},
    {"import-mp",
     "usage: groupdesk keywords import-mp --channel NAME [--file FILE] [--json]\n"
     "Takes over an Official Account's own auto-replies (keyword rules, the reply on follow,\n"
     "the default reply): the server asks the platform, or reads FILE, a saved answer of\n"
     "get_current_autoreply_info. Importing twice does not duplicate; what cannot be carried\n"
     "over is listed with why.\n"
     "  --channel NAME       the Official Account channel\n"
     "  --file FILE          a saved get_current_autoreply_info answer (JSON)\n"
     "  --json               the server's JSON\n" GD_COMMON_OPTIONS},
}};

#undef GD_RULE_OPTIONS
#undef GD_COMMON_OPTIONS

}  // namespace

const char* keywords_verb_usage(std::string_view verb) {
    for (const auto& [name, usage] : kVerbUsages) {
        if (name == verb) return usage;
    }
    return nullptr;
}

}  // namespace groupdesk::bot::cli
