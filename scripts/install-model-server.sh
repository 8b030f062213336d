#!/usr/bin/env bash
# Creates (or reuses) the model server's virtualenv (model-server/requirements.txt: torch, diffusers,
# transformers, accelerate, gradio, all pinned) in a cache outside the clone, and prints its python path.
# Needs python3 (3.10+) with venv and access to PyPI. torch's wheel brings the CUDA libraries: about
# 5.9 GB, one to a few minutes to install; it runs on CPU too.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
requirements="$root/model-server/requirements.txt"
cache="${WEBTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/webtv}"
py="${PYTHON:-python3}"
# One environment per set of pins: a changed requirements file makes a new one instead of patching an old one.
key="$(sha256sum "$requirements" | cut -c1-12)"
dest="$cache/model-server-$key"
python="$dest/bin/python"

# Reuse only a complete environment: the marker is written last, after every package imported.
if [ -f "$dest/.installed" ]; then
  echo "$python"
  exit 0
fi
rm -rf "$dest.tmp"
mkdir -p "$cache"
"$py" -m venv "$dest.tmp" >&2
"$dest.tmp/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
rm -rf "$dest"
mv "$dest.tmp" "$dest"
# A venv's scripts hard-code its folder; moving it breaks them but not `bin/python -m …`, which is all
# the server and the tests use. Check the imports from the final place before marking it complete.
"$python" -c "import torch, diffusers, transformers, accelerate, gradio" >&2
touch "$dest/.installed"
echo "$python"
