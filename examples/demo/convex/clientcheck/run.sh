#!/usr/bin/env bash
# Runs the official-client proof: builds the gateway, starts it in dev mode on
# a free loopback port, waits for /healthz, runs check.mjs, stops the gateway.
# Exit status: the script's (non-zero on any failed check).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$here"
if [ ! -d node_modules/convex ]; then
  npm ci --no-audit --no-fund --ignore-scripts >/dev/null
fi

(cd "$root" && go build -o "$work/gateway" ./cmd/gateway)

port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
url="http://127.0.0.1:$port"
"$work/gateway" -dev -listen "127.0.0.1:$port" -public-url "$url" >"$work/gateway.log" 2>&1 &
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
GATEWAY_URL="$url" node "$here/check.mjs" || status=$?
if [ "$status" -ne 0 ]; then echo "--- gateway log"; tail -n 50 "$work/gateway.log"; fi
exit "$status"
