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

results_dir=${JEST_RESULTS_DIR:-$(mktemp -d)}
# Unit specs are pure CPU: both cores. Integration suites start processes and mostly wait on them and on
# real backends: two at a time, each in a fresh worker (an idle limit of 1 MB recycles the worker after
# every file), so that a timer, connection or follower one suite leaves behind cannot slow the suites
# after it.
# --forceExit: a handle a failed test leaves open must not keep the summary from being printed.
npx jest --selectProjects unit --maxWorkers=2 --passWithNoTests \
  --json --outputFile="$results_dir/unit.json" --forceExit "$@"
npx jest --selectProjects integration --maxWorkers=2 --workerIdleMemoryLimit=1MB --passWithNoTests \
  --json --outputFile="$results_dir/integration.json" --forceExit "$@"
node test/summarise-results.js "$failed_steps" "$results_dir/unit.json" "$results_dir/integration.json"
