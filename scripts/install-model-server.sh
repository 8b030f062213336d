#!/usr/bin/env bash
# Creates (or reuses) the model server's virtualenv (model-server/requirements.txt: torch, diffusers,
# transformers, accelerate, gradio, all pinned) in a cache outside the clone, and prints its python path.
# Needs python3 (3.10+) with venv and access to PyPI. torch's wheel brings the CUDA libraries: about
# 5.9 GB, one to a few minutes to install; it runs on CPU too.
#
#   --cuda 12          torch built for CUDA 12 (for drivers older than CUDA 13 needs; docs/model-server.md)
#                      instead of PyPI's CUDA 13 wheel; or set WEBTV_TORCH_INDEX to any torch wheel index.
#   --film URL SHA256  also download FILM's TorchScript weights (dajes/frame-interpolation-pytorch's
#                      film_net_fp16.pt) into the models folder ($WEBTV_MODELS_DIR, default
#                      <cache>/models), refusing a file whose sha256 differs. The server then
#                      interpolates with FILM by default.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
requirements="$root/model-server/requirements.txt"
cache="${WEBTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/webtv}"
models="${WEBTV_MODELS_DIR:-$cache/models}"
py="${PYTHON:-python3}"
torch_index="${WEBTV_TORCH_INDEX:-}"
film_url="" film_sha=""
usage="usage: $0 [--cuda 12|13] [--film URL SHA256]"
while [ $# -gt 0 ]; do
  case "$1" in
    --cuda)
      case "${2:-}" in
        12) torch_index="https://download.pytorch.org/whl/cu128" ;;
        13) torch_index="" ;;
        *) echo "--cuda takes 12 or 13; $usage" >&2; exit 2 ;;
      esac
      shift 2 ;;
    --film)
      [ $# -ge 3 ] || { echo "--film needs a URL and its sha256; $usage" >&2; exit 2; }
      film_url="$2" film_sha="$3"
      shift 3 ;;
    *) echo "unknown argument $1; $usage" >&2; exit 2 ;;
  esac
done

# One environment per set of pins (and torch index): a changed requirements file makes a new one
# instead of patching an old one.
key="$(sha256sum "$requirements" | cut -c1-12)"
[ -z "$torch_index" ] || key="$key-$(printf '%s' "$torch_index" | sha256sum | cut -c1-8)"
dest="$cache/model-server-$key"
python="$dest/bin/python"

# Reuse only a complete environment: the marker is written last, after every package imported.
if [ ! -f "$dest/.installed" ]; then
  rm -rf "$dest.tmp"
  mkdir -p "$cache"
  "$py" -m venv "$dest.tmp" >&2
  if [ -n "$torch_index" ]; then
    # torch from the chosen index first (same pinned version); the rest from PyPI, torch already satisfied.
    torch_pin="$(grep -E '^torch==' "$requirements")"
    "$dest.tmp/bin/python" -m pip install --quiet --disable-pip-version-check --index-url "$torch_index" "$torch_pin" >&2
  fi
  "$dest.tmp/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
  # A venv's scripts hard-code its folder; moving it breaks them but not `bin/python -m …`, which is all
  # the server and the tests use. Check the imports from the final place before marking it complete.
  "$python" -c "import torch, diffusers, transformers, accelerate, gradio" >&2
  touch "$dest/.installed"
fi
if [ -n "$film_url" ]; then
  "$python" "$root/model-server/fetch_weights.py" "$film_url" "$film_sha" "$models/film_net_fp16.pt"
fi
echo "$python"
