#!/usr/bin/env bash
# Creates (or reuses) one virtualenv per pinned Gradio version for the test fixture server, in a cache
# outside the clone, and prints "<version> <python path>" per line. Needs python3 (3.10+) with venv and
# access to PyPI. Versions: GRADIO_VERSIONS="5.50.0 6.31.0" by default (both output shapes of gr.Video).
set -euo pipefail
versions="${GRADIO_VERSIONS:-5.50.0 6.31.0}"
cache="${WEBTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/webtv}"
py="${PYTHON:-python3}"

for version in $versions; do
  dest="$cache/gradio-$version"
  python="$dest/bin/python"
  # Reuse only a complete environment: the marker is written last, after gradio imported at the pin.
  # (The reuse check reads the installed version's metadata: importing gradio takes seconds.)
  if [ -f "$dest/.installed" ] && "$python" -c "import importlib.metadata as m, sys; sys.exit(m.version('gradio') != '$version')" >/dev/null 2>&1; then
    echo "$version $python"
    continue
  fi
  rm -rf "$dest.tmp"
  mkdir -p "$cache"
  "$py" -m venv "$dest.tmp" >&2
  "$dest.tmp/bin/python" -m pip install --quiet --disable-pip-version-check "gradio==$version" >&2
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
  # A venv's scripts hard-code its folder; moving it breaks them but not `bin/python -m …`, which is all
  # the fixture uses. Check the import from the final place before marking it complete.
  "$python" -c "import gradio, sys; sys.exit(gradio.__version__ != '$version')" >&2
  touch "$dest/.installed"
  echo "$version $python"
done
