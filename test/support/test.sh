#!/usr/bin/env bash
# The whole test suite: what `npm test` runs, locally and in CI.
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf '\n== %s\n' "$1"; }

step "Chromium"
CHROMIUM_PATH=$(bash test/support/ensure-chromium.sh)
export CHROMIUM_PATH
echo "using $CHROMIUM_PATH"

step "typecheck"
npx tsc -p tsconfig.json --noEmit

step "lint"
npx eslint .
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

step "package: build, public API report, publint, are-the-types-wrong"
npm run build >/dev/null
npx tsx test/api/check-api.ts
npx publint --strict
npx attw --pack . --profile esm-only --quiet || { npx attw --pack . --profile esm-only; exit 1; }
echo "publint and are-the-types-wrong: no problems"

step "unit and integration tests"
npx vitest run

step "benchmarks, quick (checks that every row still produces numbers, not how fast)"
npm run --silent bench -- --quick >/dev/null
echo "every benchmark row produced numbers"

step "browser tests (Playwright, real Chromium)"
npx playwright test -c test/e2e/playwright.config.ts

step "conformance"
npx tsx test/conformance/run.ts
