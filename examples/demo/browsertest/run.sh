#!/usr/bin/env bash
# The demo's browser tests: builds the gateway and the Convex client bundle,
# starts the gateway in dev mode on a free loopback port (the bundle served
# from DEMO_WEB_VENDOR_DIR), runs suite.mjs (playwright-core driving Debian's
# chromium), stops the gateway. Prints one line per scenario, then
# "N passed, M failed", and where the screenshots are.
# Exit status: non-zero on any failed scenario.
#   CHROMIUM   the browser (default /usr/bin/chromium)
#   SHOT_DIR   where screenshots go (default: a new temp directory, kept)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "browsertest: $CHROMIUM not found (apt-get install chromium)"; exit 1
fi
export SHOT_DIR="${SHOT_DIR:-$(mktemp -d -t convexgw-browsertest.XXXXXX)}"

cd "$here"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/esbuild ] || [ ! -d node_modules/convex ]; then
  npm ci --no-audit --no-fund >/dev/null
fi
node --test format.test.mjs >"$work/unit.log" 2>&1 || { cat "$work/unit.log"; echo "browsertest: format.test.mjs failed"; exit 1; }
echo "unit: $(grep -E '^# (pass|fail)' "$work/unit.log" | tr '\n' ' ')(format.test.mjs)"
node bundle.mjs "$work/vendor" >/dev/null

(cd "$root" && go build -o "$work/gateway" ./cmd/gateway)

port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
url="http://127.0.0.1:$port"
# bcrypt cost 4: the seed's hashes (cost 10) are not re-hashed and unknown
# emails compare fast; the login limit is raised for the suite's sign-ins and
# still reachable by the rate-limit scenario. Sign-up is on (with the default
# email verification) so the account-page scenarios make their own accounts:
# a reset cannot give a demo account its password back. The emails' links
# point at -public-url, and the dev mailbox keeps them.
DEMO_WEB_VENDOR_DIR="$work/vendor" "$work/gateway" -dev -listen "127.0.0.1:$port" -public-url "$url" \
  -bcrypt-cost 4 -login-rate 30 -login-burst 40 -signup-enabled -log-level warn >"$work/gateway.log" 2>&1 &
gw=$!
stop() { kill "$gw" 2>/dev/null || true; wait "$gw" 2>/dev/null || true; rm -rf "$work"; }
trap stop EXIT

for _ in $(seq 1 100); do
  if curl -fsS "$url/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$gw" 2>/dev/null; then echo "gateway exited:"; cat "$work/gateway.log"; exit 1; fi
  sleep 0.1
done
curl -fsS "$url/healthz" >/dev/null || { echo "gateway not healthy:"; cat "$work/gateway.log"; exit 1; }

status=0
GATEWAY_URL="$url" node "$here/suite.mjs" || status=$?
if [ "$status" -ne 0 ]; then echo "--- gateway log (last 50 lines)"; tail -n 50 "$work/gateway.log"; fi
exit "$status"
