#!/usr/bin/env bash
# Installs what the panel needs, at pinned versions, skipping what is already there.
#   scripts/setup.sh build   toolchain to build and run the panel
#   scripts/setup.sh deb     also cargo-deb, to build the Debian package
#   scripts/setup.sh test    also cargo-deb, PostgreSQL, Dovecot, Postfix, Chromium and the
#                            end-to-end test packages
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132
CARGO_DEB_VERSION=3.8.0
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || fail "$1 is missing: $2"; }

# Compiled code is kept in one place per machine, outside the checkout, so a fresh clone (CI's)
# compiles only this workspace's crates instead of every dependency again.
if [ -z "${CARGO_TARGET_DIR:-}" ] && [ ! -e target ]; then
  build_cache=${POSTMASTER_BUILD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/postmaster/target}
  mkdir -p "$build_cache" && ln -s "$build_cache" target
fi

need cargo "install Rust with rustup (https://rustup.rs) first"
need rustup "install Rust with rustup (https://rustup.rs) first"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown || fail "rustup could not add the wasm32 target"
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 13 minutes, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked || fail "cargo install cargo-leptos failed"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (it must match the crate's version)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" || fail "cargo install wasm-bindgen-cli failed"
fi

apt_updated=""
apt_install() {
  [ "$(id -u)" = 0 ] || fail "installing $* needs root (or install it yourself: apt-get install $*)"
  if [ -z "$apt_updated" ]; then apt-get update -qq || fail "apt-get update failed"; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || fail "apt-get install $* failed"
}

if ! command -v npm >/dev/null 2>&1; then
  say "Installing Node.js and npm"
  apt_install nodejs npm
fi

if ! command -v brotli >/dev/null 2>&1; then
  say "Installing brotli (the build writes a compressed copy of each static file)"
  apt_install brotli
fi

if ! command -v jq >/dev/null 2>&1; then
  say "Installing jq (the tests read cargo's list of test binaries with it)"
  apt_install jq
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  say "Installing binaryen $BINARYEN_VERSION (wasm-opt, for release builds)"
  npm install -g "binaryen@$BINARYEN_VERSION" >/dev/null || fail "npm install -g binaryen@$BINARYEN_VERSION failed"
fi

[ "${1:-build}" = build ] && exit 0

if ! cargo deb --version 2>/dev/null | grep -q "$CARGO_DEB_VERSION"; then
  say "Installing cargo-deb $CARGO_DEB_VERSION (builds the Debian package; about 3 minutes, once)"
  cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked || fail "cargo install cargo-deb failed"
fi

[ "$1" = test ] || exit 0

if [ ! -x /usr/lib/postgresql/15/bin/initdb ] || ! command -v pg_virtualenv >/dev/null 2>&1; then
  say "Installing PostgreSQL 15 (only for tests: each run starts and throws away its own cluster)"
  apt_install postgresql-15 postgresql-common
fi

if ! /usr/bin/python3 -c "import aiosmtpd" 2>/dev/null; then
  say "Installing aiosmtpd (the SMTP sink the mail tests read messages from)"
  apt_install python3-aiosmtpd
fi

# The mail server tests run their own Dovecot on loopback and query Postfix's lookup tables
# with postmap; the packages' system services play no part.
if ! command -v dovecot >/dev/null 2>&1 || [ ! -e /usr/lib/dovecot/modules/auth/libdriver_sqlite.so ] \
  || [ ! -e /usr/lib/dovecot/modules/auth/libdriver_pgsql.so ] || [ ! -e /usr/lib/dovecot/lmtp ] \
  || [ ! -e /usr/lib/dovecot/modules/lib90_sieve_plugin.so ]; then
  say "Installing Dovecot (IMAP, LMTP delivery, Sieve, with its SQLite and PostgreSQL drivers) for the mail server tests"
  apt_install dovecot-core dovecot-imapd dovecot-lmtpd dovecot-sieve dovecot-sqlite dovecot-pgsql
fi

if ! command -v postmap >/dev/null 2>&1 || ! postconf -m 2>/dev/null | grep -qx sqlite \
  || ! postconf -m 2>/dev/null | grep -qx pgsql; then
  say "Installing Postfix (with its SQLite and PostgreSQL lookup tables) for the mail server tests"
  apt_install postfix postfix-sqlite postfix-pgsql
fi

if ! command -v chromium >/dev/null 2>&1; then
  say "Installing Chromium for the end-to-end tests"
  apt_install chromium
fi

if [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/@axe-core/playwright ]; then
  say "Installing the end-to-end test packages"
  (cd end2end && npm ci --no-audit --no-fund) || fail "npm ci in end2end failed"
fi
