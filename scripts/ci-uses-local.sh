#!/usr/bin/env bash
# What .github/workflows/ci.yml's `uses: ./` job does, on this machine: start the simulator
# around this checkout (scripts/ci-sim.ts), run the committed bundle with the runner's
# contract and that job's inputs, and check its outputs. Bounded: 60 s to start, 200 s to run.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
sim_pid=""
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
sha=$(git rev-parse HEAD)
: > "$tmp/env"
GITHUB_ENV="$tmp/env" GITHUB_SHA="$sha" GITHUB_REPOSITORY=zerops-rollout/zerops-rollout RUNNER_TEMP="$tmp" \
  node --import tsx scripts/ci-sim.ts > "$tmp/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 60); do grep -q 'simulator ready' "$tmp/sim.log" && break; sleep 1; done
grep -q 'simulator ready' "$tmp/sim.log" || { cat "$tmp/sim.log" >&2; exit 1; }
set -a; . "$tmp/env"; set +a
: > "$tmp/out"; : > "$tmp/summary"
code=0
env -i PATH="$PATH" HOME="$tmp" GITHUB_ACTIONS=true GITHUB_SHA="$sha" GITHUB_REPOSITORY=zerops-rollout/zerops-rollout \
  GITHUB_WORKSPACE="$PWD" GITHUB_RUN_ID=1 GITHUB_EVENT_NAME=push GITHUB_REF=refs/heads/main \
  GITHUB_SERVER_URL=https://github.com GITHUB_API_URL="$SIM_FORGE_URL" RUNNER_TEMP="$tmp" \
  GITHUB_OUTPUT="$tmp/out" GITHUB_STEP_SUMMARY="$tmp/summary" \
  "INPUT_ZEROPS-TOKEN=$SIM_ZEROPS_TOKEN" "INPUT_ZEROPS-API-URL=$SIM_ZEROPS_URL" "INPUT_PROJECT-ID=$SIM_PROJECT_ID" \
  "INPUT_SERVICES=api, web, worker, admin" "INPUT_BATCH-SIZE=2" "INPUT_SOAK=2s" "INPUT_POLL-INTERVAL=250ms" \
  "INPUT_GITHUB-TOKEN=$SIM_FORGE_TOKEN" "INPUT_FORGE-API-URL=$SIM_FORGE_URL" "INPUT_CONTROL-TOKEN=$SIM_CONTROL_TOKEN" \
  "INPUT_KILL-SWITCH=false" "INPUT_VERIFY-URL=$SIM_BUILD_INFO" "INPUT_ZEROPS-YAML=$SIM_ZEROPS_YAML" "INPUT_DEPLOYMENT-ENVIRONMENT=" \
  timeout 200 node dist/index.js > "$tmp/stdout" 2>&1 || code=$?
# GITHUB_OUTPUT holds `name<<delimiter`, the value, the delimiter.
output() { awk -v n="$1" 'index($0, n "<<") == 1 { d = substr($0, length(n) + 3); getline; print; exit }' "$tmp/out"; }
result=$(output result); deployed=$(output deployed)
echo "exit=$code result=$result deployed=$deployed"
if [ "$code" != 0 ] || [ "$result" != success ] || [ "$deployed" != '["api","web","worker","admin"]' ]; then
  tail -20 "$tmp/stdout" >&2
  exit 1
fi
