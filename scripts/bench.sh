#!/usr/bin/env bash
# Pages at a host's scale: seeds 100,000 mailboxes on SQLite and 1,000,000 on a throwaway
# PostgreSQL 15 cluster and times whole pages and the list's requests through the whole HTTP
# stack; then the server process under sign-in load (server/benches/load.rs); then what a
# browser loads.
#   POSTMASTER_BENCH_USERS=100000 POSTMASTER_BENCH_PG_USERS=1000000 POSTMASTER_BENCH_RUNS=1000 \
#   POSTMASTER_BENCH_SECONDS=60 scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v pg_virtualenv >/dev/null 2>&1 || {
  echo "bench: pg_virtualenv is missing; run scripts/setup.sh test first" >&2
  exit 1
}
# fsync off only makes the seeding quicker; the timed requests read.
pg_virtualenv -t -v 15 -o fsync=off bash -c '
  export POSTMASTER_BENCH_PG="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE"
  cargo bench -p server --bench pages'
# The load is measured on a cluster with its default, durable settings: creates and sign-ins
# write, and each commit waits for its flush as in production.
pg_virtualenv -t -v 15 bash -c '
  export POSTMASTER_BENCH_PG="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE"
  cargo bench -p server --bench load'

scripts/measure-pages.sh
