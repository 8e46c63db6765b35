#!/usr/bin/env bash
# Re-records every scenario from the TypeScript functions in examples/demo/convex/ through
# the local Node runner (convex-test) and fails if any cassette differs from
# the committed one in examples/demo/testdata/cassettes/; then checks the Go dev backend
# against the runner call for call.
#
#   examples/demo/rerecord-check.sh            # check (CI)
#   examples/demo/rerecord-check.sh --update   # refresh testdata/cassettes/ instead
#
# Needs node (>= 20) and the pinned npm packages (installed with `npm ci` in
# examples/demo/convex/ when missing). Starts the runner on a free loopback port and stops
# it on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

update=false
case "${1:-}" in
  "") ;;
  --update) update=true ;;
  *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac

if [ ! -x examples/demo/convex/node_modules/.bin/tsx ]; then
  (cd examples/demo/convex && npm ci --no-audit --no-fund)
fi

tmp=$(mktemp -d)
runner_pid=""
cleanup() {
  if [ -n "$runner_pid" ] && kill -0 "$runner_pid" 2>/dev/null; then
    kill "$runner_pid" 2>/dev/null || true
    wait "$runner_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

export CONVEX_RUNNER_ADMIN_KEY="${CONVEX_RUNNER_ADMIN_KEY:-runner-admin-key}"
# CONVEX_DEPLOY_KEY would override the runner key in convexfake: not wanted here.
unset CONVEX_DEPLOY_KEY

# One node process (no tsx wrapper), so $runner_pid is the runner itself.
(cd examples/demo/convex && exec node --import tsx runner/main.ts --port 0 >"$tmp/runner.url" 2>"$tmp/runner.log") &
runner_pid=$!

url=""
for _ in $(seq 1 120); do
  url=$(head -n1 "$tmp/runner.url" 2>/dev/null || true)
  [ -n "$url" ] && break
  if ! kill -0 "$runner_pid" 2>/dev/null; then
    echo "rerecord-check: the runner exited:" >&2; cat "$tmp/runner.log" >&2; exit 1
  fi
  sleep 0.5
done
if [ -z "$url" ]; then
  echo "rerecord-check: the runner did not start within 60 s:" >&2; cat "$tmp/runner.log" >&2; exit 1
fi

out="$tmp/cassettes"
if $update; then
  out="examples/demo/testdata/cassettes"
  rm -f examples/demo/testdata/cassettes/*.json
fi
go run ./cmd/convexfake -record -upstream "$url" -out "$out"

if $update; then
  echo "rerecord-check: cassettes refreshed in examples/demo/testdata/cassettes/ (review with git diff)"
  exit 0
fi
if ! diff -ru examples/demo/testdata/cassettes "$out"; then
  echo "rerecord-check: FAIL: re-recorded cassettes differ from examples/demo/testdata/cassettes/." >&2
  echo "If convex/ changed on purpose, run examples/demo/rerecord-check.sh --update and commit the diff." >&2
  exit 1
fi
echo "rerecord-check: OK: $(ls "$out" | wc -l) cassettes re-recorded identically"

# While the runner is up: the dev backend against the TypeScript functions,
# call for call (examples/demo/devbackend TestAgainstNodeRunner, skipped without it).
DEVBACKEND_RUNNER_URL="$url" DEVBACKEND_RUNNER_KEY="$CONVEX_RUNNER_ADMIN_KEY" \
  go test -count=1 -run '^TestAgainstNodeRunner$' -v ./examples/demo/devbackend/ | grep -E '^(--- |ok|FAIL|PASS)'
test "${PIPESTATUS[0]}" -eq 0
