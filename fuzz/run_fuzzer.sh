#!/usr/bin/env bash
# Runs one libFuzzer target for a while: run_fuzzer.sh <binary> <seconds> [corpus-dir].
# Seeds come from fuzz/seeds/<target>/ (read-only); new inputs go to corpus-dir, or to a throw-away
# directory when none is given. Exits non-zero when the target crashes, leaks or hangs, and says
# where the input was saved and how to turn it into a regression test.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
    echo "usage: $0 <fuzzer-binary> <seconds> [corpus-dir]" >&2
    exit 2
fi
binary=$1
seconds=$2
corpus=${3:-}
name=$(basename "$binary")
fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [[ ! -x $binary ]]; then
    echo "$binary: not built (run 'make fuzz-build')" >&2
    exit 2
fi
if ! [[ $seconds =~ ^[0-9]+$ ]] || [[ $seconds -eq 0 ]]; then
    echo "seconds must be a positive integer, got '$seconds'" >&2
    exit 2
fi

# Longest input per target: above a real callback's size, small enough to keep runs fast.
# The unit test next to each module is where a crash becomes a regression test.
case $name in
    fuzz_decrypt)      max_len=4096; test_file=tests/wecom/crypto_test.cpp ;;
    fuzz_xml_codec)    max_len=8192; test_file=tests/wecom/xml_codec_test.cpp ;;
    fuzz_json_codec)   max_len=8192; test_file=tests/wecom/json_codec_test.cpp ;;
    fuzz_aibot_frames) max_len=8192; test_file=tests/wecom/aibot_frames_test.cpp ;;
    fuzz_query_string) max_len=2048; test_file=tests/common/query_string_test.cpp ;;
    *) echo "$name: unknown fuzz target" >&2; exit 2 ;;
esac

if [[ -z $corpus ]]; then
    corpus=$(mktemp -d "${TMPDIR:-/tmp}/${name}-corpus.XXXXXX")
    trap 'rm -rf "$corpus"' EXIT
else
    mkdir -p "$corpus"
fi

# Crashing inputs outlive a throw-away corpus; the default place is git-ignored.
artifacts=${FUZZ_ARTIFACT_DIR:-fuzz-corpus/crashes}/$name
mkdir -p "$artifacts"
before=$(ls -1 "$artifacts")

args=(
    -max_total_time="$seconds"
    -max_len="$max_len"
    -timeout=10                # seconds per input: anything slower is a hang to fix
    -rss_limit_mb=2048
    -use_value_profile=1       # helps past string and number comparisons
    -print_final_stats=1
    -artifact_prefix="$artifacts/"
)
[[ -f $fuzz_dir/dicts/$name.dict ]] && args+=(-dict="$fuzz_dir/dicts/$name.dict")

echo "== $name: ${seconds}s, corpus $corpus, seeds fuzz/seeds/$name"
status=0
# The fuzzer's progress lines go to a log; only its summary (or, on a crash, its end) is shown.
log=$(mktemp)
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$binary" "${args[@]}" "$corpus" "$fuzz_dir/seeds/$name" > "$log" 2>&1 || status=$?

if [[ $status -eq 0 ]]; then
    echo "== $name: no crash ($(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' "$log" | sed 's/.*: //') inputs)"
    rm -f "$log"
    exit 0
fi
tail -n 80 "$log" >&2
rm -f "$log"

new=$(comm -13 <(echo "$before") <(ls -1 "$artifacts") | sed "s|^|$artifacts/|")
echo "== $name: FAILED (exit $status)" >&2
if [[ -n $new ]]; then
    echo "Input(s) saved:" >&2
    for f in $new; do
        if [[ $(stat -c %s "$f") -le 600 ]]; then
            echo "  $f  base64: $(base64 -w0 < "$f")" >&2
        else
            echo "  $f  ($(stat -c %s "$f") bytes; base64 -w0 $f)" >&2
        fi
    done
    first=$(echo "$new" | head -n1)
    cat >&2 <<MSG
To reproduce:   $binary $first
To minimise:    $binary -minimize_crash=1 -max_total_time=60 -artifact_prefix=$artifacts/min- $first
Then make it a regression test in $test_file: put the (minimised) bytes in the test as a
string literal or base64, call the function that failed and assert the behaviour the module
documents. Fix the module until the test passes, and keep the test.
MSG
fi
exit "$status"
