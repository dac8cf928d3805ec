#!/usr/bin/env bash
# The README's install and mail server steps, run as they are written, on this machine's own
# Debian: in namespaces of their own (mounts, network, processes), where /etc, /usr and /var
# are copies (overlays whose writes go to a temporary folder) and /run is empty, so apt,
# adduser, postconf and the daemons change nothing outside, and ports 25, 143, 587, 3000, 5432
# and 8080 are free whatever the machine runs. Then the checks of check.py, with the panel
# running and with it stopped, and the package's removal.
#   server/tests/install/run.sh sqlite|pgsql DEB_FILE
# Needs root. systemd is not running here: `systemctl` is the stand-in next to this file, which
# starts each service as its unit says.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
readme="$here/../../../README.md"

fail() { printf 'install test: %s\n' "$*" >&2; exit 1; }

if [ "${1:-}" != --inside ]; then
  db=${1:-} deb=${2:-}
  [ "$db" = sqlite ] || [ "$db" = pgsql ] || fail "usage: run.sh sqlite|pgsql DEB_FILE"
  [ -f "$deb" ] || fail "no package at '$deb' (cargo deb builds it)"
  [ "$(id -u)" = 0 ] || fail "needs root: it installs a package (into a copy of the system)"
  work=$(mktemp -d /tmp/postmaster-install.XXXXXX)
  # The services' own users walk into the package's folder.
  chmod 755 "$work"
  mkdir -p "$work/package"
  cp "$deb" "$work/package/"
  status=0
  unshare --mount --net --pid --fork --mount-proc --propagation private \
    bash "$0" --inside "$db" "$work" || status=$?
  if [ "$status" = 0 ]; then
    rm -rf "$work"
  else
    echo "install test ($db) failed; its files and logs are in $work" >&2
  fi
  exit "$status"
fi

db=$2 work=$3
for dir in etc usr var; do
  mkdir -p "$work/$dir-changes" "$work/$dir-work"
  mount -t overlay overlay \
    -o "lowerdir=/$dir,upperdir=$work/$dir-changes,workdir=$work/$dir-work" "/$dir"
done
mount -t tmpfs tmpfs /run
ip link set lo up

export SYSTEMCTL_LOGS="$work/logs"
mkdir -p "$SYSTEMCTL_LOGS" "$work/bin"
cp "$here/systemctl" "$work/bin/systemctl"
export PATH="$work/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export DEBIAN_FRONTEND=noninteractive
# `apt install` as typed, answering its question as a person would. The packages the steps
# name are installed here already (scripts/setup.sh) and stay as they are: nothing is fetched.
printf 'APT::Get::Assume-Yes "true";\nAPT::Get::Upgrade "false";\n' >"$work/apt.conf"
export APT_CONFIG="$work/apt.conf"

# The blocks the README marks for this database (<!-- install-test: all|sqlite|pgsql --> before
# a ```sh fence), in its order, as one script: a variable one sets, the next one reads.
{
  echo 'set -euxo pipefail'
  awk -v db="$db" '
    /^<!-- install-test: / { want = ($3 == "all" || $3 == db); next }
    want && /^```sh$/ { inside = 1; next }
    inside && /^```$/ { inside = 0; want = 0; next }
    inside { print }
  ' "$readme"
} >"$work/steps.sh"
grep -q 'postmaster admin create' "$work/steps.sh" || fail "no README steps found for $db"

if [ "$db" = pgsql ]; then
  # As at boot on a Debian with PostgreSQL installed: its cluster runs.
  systemctl start postgresql
fi

password='lantern orbit velvet cobble 42'
echo "==> The README's steps ($db), as written"
cd "$work/package"
# The one question they ask is the administrator's password.
printf '%s\n' "$password" | bash "$work/steps.sh" >"$work/steps.log" 2>&1 \
  || { tail -40 "$work/steps.log" >&2; fail "a README step failed (whole log: $work/steps.log)"; }

echo "==> The unit passes systemd-analyze verify"
systemd-analyze verify /lib/systemd/system/postmaster.service

echo "==> The installed panel, Dovecot and Postfix, with the panel running"
python3 "$here/check.py" "$db" "$password" setup mail

if [ "$db" = sqlite ]; then
  echo "==> With everything stopped, SQLite keeps no -wal or -shm file; Dovecot and Postfix read the database with the panel stopped"
  # The panel last: the last connection to close removes SQLite's files (a stopped reader may
  # not have closed its own).
  systemctl stop dovecot postfix postmaster
  data=/var/lib/postmaster/data
  [ ! -e "$data/postmaster.db-wal" ] && [ ! -e "$data/postmaster.db-shm" ] \
    || fail "SQLite's -wal and -shm files are still there with nothing running: $(ls -l $data)"
  systemctl start dovecot postfix
  python3 "$here/check.py" "$db" "$password" mail-again
  # The panel then writes beside the files the readers made.
  systemctl start postmaster
fi

echo "==> The panel closes a user's open IMAP connection through doveadm"
python3 "$here/check.py" "$db" "$password" kick

echo "==> Removal"
systemctl stop postmaster
apt-get purge -y -q postmaster >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "apt-get purge failed"; }
for gone in /usr/bin/postmaster /usr/lib/postmaster /usr/share/postmaster /etc/postmaster/postmaster.env \
  /lib/systemd/system/postmaster.service; do
  [ ! -e "$gone" ] || fail "$gone is still there after the purge"
done
[ -e /var/lib/postmaster/secret.key ] || fail "the purge removed the secret key, which it keeps"
echo "==> The README's install and mail server steps work as written ($db)"
