#!/usr/bin/env bash
# CI step: the config-only gateway. Builds cmd/gateway (no -dev: no demo
# route) and the messages app's fake deployment, runs the gateway in jwt
# identity mode with PASSTHROUGH_EXPOSE=messages:* and the login contract's
# lookup set to users:byEmail, the fake trusting the gateway's JWKS, then
# runs check.mjs (the official ConvexHttpClient).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="$(mktemp -d)"
pids=()
stop() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop EXIT

cd "$here"
if [ ! -d node_modules/convex ]; then
  npm ci --no-audit --no-fund --ignore-scripts >/dev/null
fi
(cd "$root" && go build -o "$work/gateway" ./cmd/gateway && go build -o "$work/fake" ./examples/messages/fakeserver)

freeport() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
gwport="$(freeport)"
fakeport="$(freeport)"
gw="http://127.0.0.1:$gwport"
node -e 'const {generateKeyPairSync}=require("crypto");const {privateKey}=generateKeyPairSync("ec",{namedCurve:"P-256"});process.stdout.write(privateKey.export({type:"pkcs8",format:"pem"}))' >"$work/signing.pem"

"$work/fake" -listen "127.0.0.1:$fakeport" -admin-key "dev:configonly|key" \
  -jwks-url "$gw/.well-known/jwks.json" -issuer "$gw" >"$work/fake.log" 2>&1 &
pids+=($!)

env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
  CONVEX_URL="http://127.0.0.1:$fakeport" CONVEX_DEPLOY_KEY="dev:configonly|key" \
  IDENTITY_MODE=jwt SIGNING_KEY_FILE="$work/signing.pem" \
  SESSION_SECRET="$(head -c 32 /dev/urandom | base64)" CSRF_SECRET="$(head -c 32 /dev/urandom | base64)" \
  PUBLIC_URL="$gw" LISTEN_ADDR="127.0.0.1:$gwport" SECURE_COOKIES=false BCRYPT_COST=10 \
  PASSTHROUGH_EXPOSE='messages:*' FUNCTION_SPEC_FILE="$root/testdata/messages/function-spec.json" FUNCTION_SPEC_STRICT=true \
  ACCOUNTS_FIND_BY_EMAIL=users:byEmail ACCOUNTS_RECORD_LOGIN=off ACCOUNTS_SET_PASSWORD_HASH=off \
  ACCOUNTS_CREATE_USER=off ACCOUNTS_MARK_EMAIL_VERIFIED=off ACCOUNTS_FIND_BY_ID=off \
  ACCOUNTS_AUTHORIZE_INVITATION=off \
  "$work/gateway" >"$work/gateway.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 100); do
  if curl -fsS "$gw/healthz" >/dev/null 2>&1; then break; fi
  sleep 0.1
done
curl -fsS "$gw/healthz" >/dev/null || { echo "gateway not healthy:"; cat "$work/gateway.log"; exit 1; }

status=0
GATEWAY_URL="$gw" node "$here/check.mjs" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- gateway log"; tail -n 50 "$work/gateway.log"
  echo "--- fake log"; tail -n 20 "$work/fake.log"
fi
exit "$status"
