#!/usr/bin/env bash
# The README's test command: lint, types, build, then every test against real Postgres and NATS.
# Its last line is the summary `N passed, N failed, N skipped`.
set -uo pipefail
cd "$(dirname "$0")/.."

node test/ensure-backends.js || exit 1

failed_steps=0
step() {
  local name=$1; shift
  echo "== $name"
  if ! "$@"; then echo "== $name FAILED"; failed_steps=$((failed_steps + 1)); fi
}
step lint npx eslint . --max-warnings 0
step format npx prettier --check .
step typecheck npx tsc -p tsconfig.json --noEmit
step build npm run --silent build

results=$(mktemp)
# --forceExit: a handle a failed test leaves open must not keep the summary from being printed.
npx jest --json --outputFile="$results" --forceExit "$@"
node test/summarise-results.js "$results" "$failed_steps"
