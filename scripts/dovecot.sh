#!/usr/bin/env bash
# A Dovecot of its own on loopback, configured from the sample files in server/mail-server/ on
# the panel's database, for the tests (and to try the panel with a real IMAP server). Runs as
# root: Dovecot drops to its own users.
#   scripts/dovecot.sh configure DIR DATABASE_URL IMAP_PORT DOVEADM_PORT API_KEY [LMTP_PORT [SMTP_PORT]]
#     (with LMTP_PORT, mail is delivered over LMTP on that port too; with SMTP_PORT, automatic
#     replies go to the SMTP server on that loopback port)
#   scripts/dovecot.sh start DIR      (waits until both ports answer)
#   scripts/dovecot.sh stop DIR       (waits until both ports are closed)
set -euo pipefail
samples="$(cd "$(dirname "$0")/.." && pwd)/server/mail-server/dovecot"

fail() { printf 'dovecot.sh: %s\n' "$*" >&2; exit 1; }

# Sets every `key = value` line of stdin to the value given (taken as it is, whatever it holds).
setting() {
  local key=$1 value=$2 line
  while IFS= read -r line; do
    if [[ $line =~ ^([[:space:]]*)$key\ =\  ]]; then
      printf '%s%s = %s\n' "${BASH_REMATCH[1]}" "$key" "$value"
    else
      printf '%s\n' "$line"
    fi
  done
}

ports() { cat "$1/ports"; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_ports() { # DIR up|down
  local port state
  for port in $(ports "$1"); do
    for _ in $(seq 1 200); do
      if listening "$port"; then state=up; else state=down; fi
      [ "$state" = "$2" ] && continue 2
      sleep 0.05
    done
    fail "port $port is not $2 after 10 s (log: $1/dovecot.log)"
  done
}

configure() {
  local dir=$1 url=$2 imap=$3 doveadm=$4 key=$5 lmtp=${6:-} smtp=${7:-} kind connect protocols=imap lmtp_service=''
  command -v dovecot >/dev/null || fail "dovecot is missing: make test installs dovecot-core dovecot-imapd dovecot-lmtpd dovecot-sieve dovecot-sqlite dovecot-pgsql"
  [ "$(id -u)" = 0 ] || fail "Dovecot starts as root here and drops to its own users"
  mkdir -p "$dir/mail"
  # Dovecot's unprivileged processes walk into these; mail is written as the dovecot user.
  chmod 755 "$dir" "$(dirname "$dir")"
  chmod 777 "$dir/mail"
  case "$url" in
    sqlite://*)
      kind=sqlite
      connect=${url#sqlite://}
      connect=${connect%%\?*}
      ;;
    postgres://* | postgresql://*)
      kind=pgsql
      [[ $url =~ ^postgres(ql)?://([^:@/]+)(:([^@]*))?@([^:/]+)(:([0-9]+))?/([^?]+) ]] \
        || fail "cannot read the PostgreSQL URL"
      connect="host=${BASH_REMATCH[5]} port=${BASH_REMATCH[7]:-5432} dbname=${BASH_REMATCH[8]} user=${BASH_REMATCH[2]} password=${BASH_REMATCH[4]}"
      ;;
    *) fail "unknown database URL: $url" ;;
  esac
  local file
  for file in "$samples/$kind"/*.conf.ext; do
    setting connect "$connect" <"$file" >"$dir/$(basename "$file")"
  done
  # The samples' files in /etc/dovecot are this folder's, and so are the sockets they make for
  # Postfix. The test's database belongs to root, so the processes that open it run as root
  # (with no group to join), and every socket is root's and the dovecot group's.
  cat "$samples/conf.d/99-postmaster.conf" "$samples/$kind/conf.d/99-postmaster-$kind.conf" \
    | sed -e "s#/etc/dovecot/#$dir/#" -e "s#/var/spool/postfix/private/#$dir/#" \
    | setting override_fields "uid=dovecot gid=dovecot home=$dir/mail/%d/%n" \
    | setting user root \
    | setting group dovecot \
    | setting extra_groups "" \
    | setting doveadm_api_key "$key" \
    | setting port "$doveadm" >"$dir/99-postmaster.conf"
  cat >>"$dir/99-postmaster.conf" <<'EOF'
service dict {
  user = root
}
EOF
  echo "$imap $doveadm $lmtp" >"$dir/ports"
  [ -z "$smtp" ] || echo "submission_host = 127.0.0.1:$smtp" >"$dir/submission.conf"
  touch "$dir/submission.conf"
  if [ -n "$lmtp" ]; then
    protocols="imap lmtp"
    lmtp_service="service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $lmtp
  }
}"
  fi
  cat >"$dir/dovecot.conf" <<EOF
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
protocols = $protocols
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:~/Maildir
# The tests fail logins on purpose, all from one address: no growing penalty for them.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    port = $imap
  }
  inet_listener imaps {
    port = 0
  }
}
$lmtp_service
!include $dir/submission.conf
!include $dir/99-postmaster.conf
EOF
}

case "${1:-}" in
  configure)
    [ $# -ge 6 ] && [ $# -le 8 ] || fail "usage: configure DIR DATABASE_URL IMAP_PORT DOVEADM_PORT API_KEY [LMTP_PORT [SMTP_PORT]]"
    configure "${@:2}"
    ;;
  start)
    # The daemon keeps no descriptor of the caller's: whoever reads this script's output sees
    # it end.
    dovecot -c "$2/dovecot.conf" </dev/null >"$2/start.log" 2>&1 \
      || { cat "$2/start.log" "$2/dovecot.log" >&2 2>/dev/null; fail "Dovecot did not start"; }
    wait_ports "$2" up
    ;;
  stop)
    dovecot -c "$2/dovecot.conf" stop 2>/dev/null || true
    wait_ports "$2" down
    ;;
  *) fail "usage: scripts/dovecot.sh configure|start|stop DIR ..." ;;
esac
