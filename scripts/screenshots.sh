#!/usr/bin/env bash
# Takes the README's screenshots (docs/*.png) from the release build in Chromium
# (end2end/measure/screenshots.measure.ts). Build first: cargo leptos build --release --split.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
E2E_MEASURE=screenshots E2E_PORT=3300 E2E_BUILD=release scripts/e2e.sh screenshots "sqlite://$dir/shots.db?mode=rwc" \
  --project=setup --project=measure
