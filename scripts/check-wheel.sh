#!/usr/bin/env bash
# The wheel works where it is installed: build it, install it into a fresh venv outside the
# checkout (the versions of requirements.lock), and from another folder play a shipped story,
# print a rule, and run the demo on a free loopback port, asking its page and its API.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/hightable-wheel-XXXXXX")"
server=""
finish() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap finish EXIT
fail() { echo "check-wheel: $*" >&2; exit 1; }

python="${PYTHON:-$root/.venv/bin/python}"
"$python" -m pip wheel -q --no-deps "$root" -w "$work/dist"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q -c "$root/requirements.lock" "$work"/dist/hightable-*.whl
cd "$work"  # nothing of the checkout is at hand here
hightable="$work/venv/bin/hightable"

installed="$("$work/venv/bin/python" -c 'import hightable; print(hightable.__file__)')"
case "$installed" in "$work/venv/"*) ;; *) fail "hightable imported from $installed" ;; esac
"$hightable" --version

"$hightable" rules COIN-3 | tee rule.txt
grep -q 'Only `table` mints' rule.txt || fail "rules COIN-3 printed no text of the law"
grep -q '^  hightable\.core\.coins:[0-9]' rule.txt || fail "rules COIN-3 named no place in the code"

canon="$("$work/venv/bin/python" -c 'from hightable.resources import canon_folder; print(canon_folder())')"
"$hightable" play "$canon/john-wick.yaml"
"$hightable" play | tail -1

port="$("$work/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$hightable" demo --port "$port" >demo.log 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$base/" 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || { cat demo.log >&2; fail "the demo stopped"; }
    sleep 0.5
done
curl -fsS "$base/w/john-wick" | grep -qi '<html' || fail "the demo served no page at /w/john-wick"
status="$(curl -fsS "$base/worlds/john-wick/view?path=members.john.status")"
[[ "$status" =~ ^\"[a-z_]+\"$ ]] || fail "the API gave no status of john: $status"
echo "demo on port $port: page served; members.john.status = $status"
kill "$server"
wait "$server" 2>/dev/null || true
server=""
cat demo.log
store="$(sed -n 's|.* in sqlite:///\(.*\)/demo\.db: .*|\1|p' demo.log)"
[ -n "$store" ] && [ ! -e "$store" ] || fail "the demo's store is still there: $store"
[ -z "$(ls -A "$work" | grep -v -e '^dist$' -e '^venv$' -e '\.txt$' -e '\.log$')" ] \
    || fail "the demo left files behind: $(ls "$work")"
echo "check-wheel: the installed wheel works"
