#!/usr/bin/env bash
# Every test: lint, unit, store conformance and migration parity on SQLite and on a throwaway
# PostgreSQL 15 cluster, HTTP tests, the Debian package installed and connected to Dovecot and
# Postfix as the README says, and Playwright on both databases.
#   scripts/test.sh [lint|rust|e2e|install|fuzz|all]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
stage=${1:-all}
# A CI run starts from a fresh clone: incremental caches would only cost disk (gigabytes of it).
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi
# Stop early and say so, rather than fail deep inside a compiler with a half-written file.
free_gb=$(df -Pk . | awk 'NR==2 {print int($4 / 1048576)}')
if [ "$free_gb" -lt 12 ]; then
  echo "Only ${free_gb} GB free on $(df -P . | awk 'NR==2 {print $6}'); the build and tests need about 12 GB." >&2
  echo "Free some space (for example: cargo clean) and run again." >&2
  exit 1
fi
started=$(date +%s)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# pg_virtualenv creates a cluster, sets PG* for the command, and removes the cluster after.
with_postgres() {
  # Room for every test binary's pools at once (rust_tests runs them side by side).
  pg_virtualenv -t -v 15 -o "fsync=off" -o "synchronous_commit=off" -o "max_connections=300" bash -c '
    export POSTMASTER_TEST_PG="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE"
    '"$1"
}

lint() {
  say "Formatting and lints (per crate and feature)"
  cargo fmt --all --check
  # The server and app's server side (ssr) in one cargo run, so app is checked once. The
  # browser's side beside it, in a target directory of its own (cargo locks one per run):
  # checking the app crate keeps about one core busy, and the two took 105 s instead of 150.
  cargo clippy -p app -p browser --features hydrate --target wasm32-unknown-unknown \
    --target-dir target/lint-wasm -- -D warnings &
  local wasm=$! ssr=0
  cargo clippy -p app -p server --features app/ssr --all-targets -- -D warnings || ssr=$?
  wait "$wasm"
  return "$ssr"
}

rust_tests() {
  say "Unit, conformance (SQLite + PostgreSQL), migration parity and HTTP tests"
  # One cargo run builds both crates' test binaries; they then run side by side, each in its
  # package's directory as cargo runs them. One after the other, the binaries that wait on
  # Dovecot, the SMTP sink and PostgreSQL left a core idle for most of their time.
  local list
  list=$(mktemp)
  cargo test -p app -p server --features app/ssr --no-run --message-format=json-render-diagnostics |
    jq -r 'select(.reason == "compiler-artifact" and .profile.test and .executable != null)
           | "\(.manifest_path) \(.executable)"' >"$list"
  # An empty list would otherwise pass as "no test failed".
  [ -s "$list" ] || { echo "rust_tests: cargo listed no test binaries" >&2; return 1; }
  export -f run_side_by_side
  with_postgres "run_side_by_side $list"
  rm -f "$list"
}

# Runs each test binary of the list ("manifest executable" per line) at once, then prints
# each one's output whole, in the list's order, so a failure reads as cargo test shows it.
run_side_by_side() {
  local out status=0 i=0 pids=() names=()
  out=$(mktemp -d)
  while read -r manifest executable; do
    (cd "$(dirname "$manifest")" && exec "$executable") >"$out/$i" 2>&1 &
    pids+=("$!")
    names+=("$(basename "$(dirname "$manifest")")/$(basename "$executable" | sed 's/-[0-9a-f]*$//')")
    i=$((i + 1))
  done <"$1"
  for i in "${!pids[@]}"; do
    local result=ok
    wait "${pids[$i]}" || { result=FAILED; status=1; }
    printf '\033[1m--- %s: %s\033[0m\n' "${names[$i]}" "$result"
    cat "$out/$i"
  done
  rm -rf "$out"
  return "$status"
}

# Side by side with the lint, each stage took longer than the two one after the other: the
# builds are bound by the machine's CPU, so the stages run in turn.
# The browser tests drive cargo-leptos's dev build: the server unoptimised (server-dev), the
# WASM with the release's profile but without wasm-opt (Cargo.toml says why). The release's
# server (LTO'd deps in release) and wasm-opt took twenty of the suite's minutes and change no
# behaviour; `make run` and `make bench` build and measure them.
# Its own site directory, so a release build beside it stays as `make run` left it.
# cargo-leptos builds the WASM and then the server when it puts hashes in file names, and each
# build keeps about one core busy: side by side (they have target directories of their own) the
# stage took 2.5 min instead of 3.8 (a fresh clone, CARGO_INCREMENTAL=0 as CI runs it).
dev_build() {
  say "Build for the browser tests"
  LEPTOS_SITE_ROOT=target/site-dev cargo leptos build --split --frontend-only &
  local front=$! server=0
  LEPTOS_SITE_ROOT=target/site-dev cargo leptos build --split --server-only || server=$?
  wait "$front"
  return "$server"
}

e2e() {
  # One database after the other: the runs are bound by the browser's CPU, and side by side
  # on two cores each took twice as long.
  local dir
  dir=$(mktemp -d)
  E2E_PORT=3100 scripts/e2e.sh sqlite "sqlite://$dir/e2e.db?mode=rwc"
  rm -rf "$dir"
  # On PostgreSQL the desktop project only: the phone and no-JavaScript projects test rendering,
  # which the database does not change (the conformance and HTTP tests cover both stores).
  # Accessibility (@rendering) likewise.
  E2E_PORT=3100 with_postgres 'scripts/e2e.sh postgres "$POSTMASTER_TEST_PG" --project=desktop --grep-invert @rendering'
}

# The dev build packaged as `make deb` packages the release, installed and connected to Dovecot
# and Postfix by the README's own steps, on each database (server/tests/install/run.sh).
install_tests() {
  say "The package, installed and connected to the mail server as the README says"
  local out
  out=$(mktemp -d)
  cargo deb -p server --no-build --variant test --profile server-dev --fast --output "$out/" >/dev/null
  server/tests/install/run.sh sqlite "$out"/postmaster_*.deb
  server/tests/install/run.sh pgsql "$out"/postmaster_*.deb
  rm -rf "$out"
}

# The request fuzzer's long run (its short one is part of the HTTP tests): 1,000,000 requests
# per database unless POSTMASTER_FUZZ_CASES says otherwise; POSTMASTER_FUZZ_SEED replays one.
fuzz() {
  export POSTMASTER_FUZZ_CASES=${POSTMASTER_FUZZ_CASES:-1000000}
  say "The request fuzzer: $POSTMASTER_FUZZ_CASES requests per database"
  with_postgres 'cargo test -p server --features app/ssr --test http fuzz -- --nocapture'
}

# Each stage says how long it took, so the suite's time is watched where it grows.
timed() {
  local from=$(date +%s)
  "$@"
  say "$1: $(( $(date +%s) - from )) s"
}

case "$stage" in
  lint) timed lint ;;
  rust) timed rust_tests ;;
  e2e) timed dev_build; timed e2e ;;
  install) timed dev_build; timed install_tests ;;
  fuzz) timed fuzz ;;
  all) timed lint; timed rust_tests; timed dev_build; timed e2e; timed install_tests ;;
  *) echo "usage: scripts/test.sh [lint|rust|e2e|install|fuzz|all]" >&2; exit 2 ;;
esac
say "All $stage tests passed in $(( $(date +%s) - started )) s"
