#!/usr/bin/env bash
# What each page costs a browser: the release build served as `make run` serves it, a real
# Chromium, bytes and requests with a cold and a warm cache, and the users list on a throttled
# phone (end2end/measure/pages.measure.ts). Part of `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo leptos build --release --split
scripts/precompress.sh
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
E2E_MEASURE=1 E2E_PORT=3200 E2E_BUILD=release scripts/e2e.sh measure "sqlite://$dir/measure.db?mode=rwc" \
  --project=setup --project=measure
