#!/usr/bin/env bash
# Keeps each third-party library in the one place that may know it (style.md, "Header hygiene"):
# a violation means a heavy header leaked into a hot include path or a layer was skipped.
# Usage: layering_test.sh SOURCE_DIR
set -uo pipefail
cd "$1" || exit 2
failures=0

# check LIBRARY_INCLUDE_REGEX ALLOWED_PATH_REGEX
check() {
    local include=$1 allowed=$2
    while IFS= read -r file; do
        if ! [[ $file =~ $allowed ]]; then
            echo "layering: $file includes <${include}…> (allowed only in: $allowed)"
            failures=$((failures + 1))
        fi
    done < <(grep -rlE "#include <${include}" common config wecom tickets keywords api handlers storage bot tests bench fuzz \
                 --include='*.cpp' --include='*.h' 2>/dev/null)
}

check 'boost/'     '^(bot/http_server\.cpp|bot/details/http_session\.(h|cpp)|bot/aibot_connection\.cpp|bot/details/ws_link\.(h|cpp)|tests/bot/http_server(_[a-z]+)?_test\.cpp|tests/bot/aibot_connection_[a-z_]*\.(cpp|h)|tests/bot/http_test_support\.h|tests/support/|bench/aibot_ws_driver\.cpp)'
check 'openssl/'   '^(wecom/crypto\.cpp|tests/bot/aibot_connection_[a-z_]*\.(cpp|h))$'
check 'tinyxml2'   '^(wecom/xml_codec\.cpp)$'
check 'curl/'      '^(wecom/curl_http_client\.cpp)$'
check 'SQLiteCpp/' '^(storage/sqlite/[^/]+\.cpp|tests/storage/|tests/integration/)'
check 're2/'       '^(keywords/keyword_index\.cpp)$'
check 'absl/'      '^(keywords/local_time\.cpp|handlers/details/flood_guard\.(h|cpp))$'
# nlohmann: only in .cpp files (headers get json_fwd.hpp at most), and in test support.
check 'nlohmann/json\.hpp' '(\.cpp$|^tests/support/|^tests/bot/(aibot_connection|keywords_cli)_test_support\.h$|^tests/wecom/api_client_fixture\.h$)'

# No production header may include a .cpp-only library's header through the back door.
if grep -rlE "#include <spdlog/spdlog\.h>" common config wecom tickets keywords api handlers storage bot --include='*.h' 2>/dev/null; then
    echo "layering: a header above includes spdlog/spdlog.h (use spdlog/fwd.h)"
    failures=$((failures + 1))
fi

# The REST API is plain request → response: the server mounts it, not the other way round.
if grep -rlE '#include "(bot|handlers)/' api 2>/dev/null; then
    echo "layering: a file above in api/ includes bot/ or handlers/"
    failures=$((failures + 1))
fi

# Arrows point one way (style.md §2): tickets/ is the model and its use cases, under the chat
# pipeline and the REST API, above the stores that implement its interfaces.
forbid() {
    local folder=$1 pattern=$2
    if grep -rlE "#include \"($pattern)/" "$folder" 2>/dev/null; then
        echo "layering: a file above in $folder/ includes $pattern/"
        failures=$((failures + 1))
    fi
}
forbid tickets 'handlers|bot|api|storage'
# keywords/ is the rules and their matching: pure, under the pipeline, the REST API and the stores.
forbid keywords 'handlers|bot|api|storage|tickets'
# ... and of wecom/ it knows only what it asks the platform to do.
if grep -rhE '#include "wecom/' tickets 2>/dev/null | grep -vqE 'wecom/(api_client|aibot_push)\.h'; then
    echo "layering: tickets/ includes wecom/ beyond api_client.h and aibot_push.h"
    failures=$((failures + 1))
fi
forbid handlers 'bot|api|storage'
forbid storage 'handlers/[a-z_]*handler|bot|api'

if [[ $failures -eq 0 ]]; then
    echo "layering: ok"
    exit 0
fi
exit 1
