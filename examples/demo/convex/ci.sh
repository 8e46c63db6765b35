#!/usr/bin/env bash
# CI step for convex/: install the pinned npm packages, check that
# convex/_generated and function-spec.json are current, typecheck the
# functions and the runner, run the runner's tests. Usage: bash convex/ci.sh
set -euo pipefail
cd "$(dirname "$0")"
export CONVEX_TELEMETRY_DISABLED=1
npm ci --no-audit --no-fund
# Offline codegen (no deployment needed; see README.md), then compare.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r convex/_generated "$tmp/before"
npx convex codegen --system-udfs --typecheck disable
diff -r "$tmp/before" convex/_generated || { echo "convex/_generated is stale: run npm run codegen" >&2; exit 1; }
npx tsc --noEmit -p convex
npx tsc --noEmit -p runner
node --import tsx --test runner/*.test.ts
# The login contract's reference module in docs/accounts.md typechecks
# against this project's schema (users with by_email).
ref=convex/zz_reference_auth.ts
awk '/^```ts$/{f=1;next}/^```$/{f=0}f' ../../../docs/accounts.md >"$ref"
trap 'rm -rf "$tmp" "$ref"' EXIT
npx tsc --noEmit -p convex
rm -f "$ref"
