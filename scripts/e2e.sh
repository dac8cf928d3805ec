#!/usr/bin/env bash
# Runs the Playwright suite against a server started fresh on the database URL given.
#   scripts/e2e.sh LABEL DATABASE_URL [PLAYWRIGHT ARGUMENTS...]
# E2E_BUILD=dev (the default) drives the build of `cargo leptos build --split` in
# target/site-dev (scripts/test.sh); E2E_BUILD=release the one `make run` serves, which the
# measurements use.
set -euo pipefail
cd "$(dirname "$0")/.."
label=$1
db_url=$2
shift 2
port=${E2E_PORT:-3100}
work=$(mktemp -d)
log="$work/server.log"

export DATABASE_URL="$db_url"
export POSTMASTER_BIND="127.0.0.1:$port" POSTMASTER_BASE_URL="http://127.0.0.1:$port"
case ${E2E_BUILD:-dev} in
  dev) server=target/server-dev/server site=target/site-dev ;;
  release) server=target/release/server site=target/site ;;
  *) echo "e2e: E2E_BUILD is dev or release" >&2; exit 2 ;;
esac
[ -x "$server" ] && [ -d "$site/pkg" ] || {
  echo "e2e: no ${E2E_BUILD:-dev} build in $server and $site; scripts/test.sh e2e makes one" >&2
  exit 1
}
export LEPTOS_OUTPUT_NAME=postmaster LEPTOS_SITE_ROOT=$site LEPTOS_SITE_PKG_DIR=pkg
export RUST_LOG=${RUST_LOG:-info}
# The specs reuse the administrator's session saved at the start of the run, which would pass
# the 15-minute "Confirm it's you" window during it; that window is tested with a test clock
# (server/tests/http), and the confirmation page by its own spec.
export POSTMASTER_REAUTH_MINUTES=240

# A real SMTP server on loopback: the specs read the mail the panel sends from its maildir.
smtp_port=$((port + 25))
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$work/maildir" &
sink=$!
export POSTMASTER_SMTP_URL="smtp://127.0.0.1:$smtp_port" POSTMASTER_OUTBOX_POLL_SECONDS=2
export POSTMASTER_SECRET_KEY_FILE="$work/secret.key" E2E_MAILDIR="$work/maildir"

cleanup() {
  scripts/dovecot.sh stop "$work/dovecot" 2>/dev/null || true
  kill "${pid:-}" "$sink" 2>/dev/null || true
  wait "${pid:-}" "$sink" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A real Dovecot on the same database: the specs sign in over IMAP, hand it mail over LMTP as
# Postfix would, and read its automatic replies at the SMTP server above; the panel closes
# connections through its doveadm HTTP API.
imap_port=$((port + 43)) doveadm_port=$((port + 80)) lmtp_port=$((port + 24))
doveadm_key=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
scripts/dovecot.sh configure "$work/dovecot" "$db_url" "$imap_port" "$doveadm_port" "$doveadm_key" \
  "$lmtp_port" "$smtp_port"
scripts/dovecot.sh start "$work/dovecot"
export POSTMASTER_DOVEADM_URL="http://127.0.0.1:$doveadm_port/doveadm/v1"
export POSTMASTER_DOVEADM_API_KEY="$doveadm_key"
export E2E_IMAP_PORT=$imap_port E2E_LMTP_PORT=$lmtp_port E2E_DOVECOT_DIR="$work/dovecot"

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null; then break; fi
  sleep 0.1
done

"$server" >"$log" 2>&1 &
pid=$!

for _ in $(seq 1 100); do
  if grep -q "Postmaster listening" "$log"; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; echo "e2e: the server did not start" >&2; exit 1; fi
  sleep 0.2
done

echo "==> Playwright on $label"
export E2E_BASE_URL="http://127.0.0.1:$port" E2E_SERVER_LOG="$log" E2E_LABEL="$label"
status=0
(cd end2end && npx playwright test "$@") 2>&1 | tee "$work/playwright.out" || status=$?
# The whole log stays beside the failures' screenshots (and after a green run, to read).
mkdir -p "end2end/test-results/$label" && cp "$log" "end2end/test-results/$label/server.log"
if [ "$status" -ne 0 ]; then
  # Panics and errors with their messages first (a backtrace would push them out of the tail).
  echo "--- server log ($label): panics and errors ---" >&2
  grep -E -A3 "panicked|ERROR" "$log" | grep -vE "^ +[0-9]+: |^ +at " | head -n 60 >&2 || true
  echo "--- server log ($label): last lines ---" >&2
  tail -n 200 "$log" | grep -vE "^ +[0-9]+: |^ +at " | tail -n 40 >&2
  echo "(the whole log: end2end/test-results/$label/server.log)" >&2
  # What failed, last: a long run's output is read from its end. Each failure's error and the
  # lines of the spec around it, without the attachments' paths.
  echo "--- what failed ($label) ---" >&2
  awk '/^  [0-9]+\) \[/ { on = 1; n = 0 } /^  [0-9]+ (failed|flaky)/ { on = 0 }
       on && !/attachment #|────|test-results\/|Error Context:|^ *$/ && n++ < 30' \
    "$work/playwright.out" >&2
  exit 1
fi
