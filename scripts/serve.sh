#!/usr/bin/env bash
# Serves the release build from the repository root. Configuration: see README.
set -euo pipefail
cd "$(dirname "$0")/.."
export LEPTOS_OUTPUT_NAME=postmaster LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg
exec target/release/server "$@"
