#!/usr/bin/env bash
# Writes a Brotli (.br) and a gzip (.gz) copy beside every built file under target/site/pkg,
# at the strongest settings, once per build: the server sends them as they are
# (server/src/http/assets.rs) instead of compressing on every request.
#   scripts/precompress.sh [SITE_PKG_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-target/site/pkg}
command -v brotli >/dev/null 2>&1 || { echo "precompress: brotli is missing; run scripts/setup.sh build" >&2; exit 1; }
[ -d "$dir" ] || { echo "precompress: $dir does not exist; build first (cargo leptos build --release --split)" >&2; exit 1; }
count=0
while IFS= read -r -d '' file; do
  # Names carry a content hash, so a copy newer than its file is that file's (brotli would
  # otherwise give its copy the file's own time, and every build would compress again).
  if [ ! "$file.br" -nt "$file" ]; then brotli --best --force --no-copy-stat --output="$file.br" "$file"; fi
  if [ ! "$file.gz" -nt "$file" ]; then gzip --best --no-name --stdout "$file" >"$file.gz"; fi
  count=$((count + 1))
done < <(find "$dir" -type f ! -name '*.br' ! -name '*.gz' -print0)
echo "precompress: $count files in $dir have their .br and .gz"
