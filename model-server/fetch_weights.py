"""Downloads a weights file and keeps it only if its sha256 is the one given: the installer's and the
Dockerfile's opt-in FILM step (`--film URL SHA256`). Standard library only; https and file:// URLs.

Run: python fetch_weights.py URL SHA256 DEST
"""
import hashlib
import os
import sys
import urllib.request


def fetch(url: str, sha256: str, dest: str) -> None:
    want = sha256.strip().lower()
    if len(want) != 64 or any(c not in "0123456789abcdef" for c in want):
        raise SystemExit(f"the sha256 must be 64 hex digits, got {sha256!r}")
    os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
    tmp = f"{dest}.part"
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=60) as r, open(tmp, "wb") as f:
            while chunk := r.read(1 << 20):
                digest.update(chunk)
                f.write(chunk)
    except OSError as err:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise SystemExit(f"could not download {url}: {err}") from None
    got = digest.hexdigest()
    if got != want:
        os.remove(tmp)
        raise SystemExit(f"refusing {url}: its sha256 is {got}, not the {want} given; nothing was installed")
    os.replace(tmp, dest)
    print(f"{dest}: sha256 {got} as given", file=sys.stderr)


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_film_if_asked(dest: str) -> None:
    """At the server's start: WEBTV_FILM_URL and WEBTV_FILM_SHA256 (the compose file's opt-in) fetch FILM's
    weights to `dest` unless a file with that hash is already there."""
    url, sha = os.environ.get("WEBTV_FILM_URL", ""), os.environ.get("WEBTV_FILM_SHA256", "")
    if not url and not sha:
        return
    if not (url and sha):
        raise SystemExit("set both WEBTV_FILM_URL and WEBTV_FILM_SHA256 (or neither)")
    if os.path.isfile(dest) and sha256_of(dest) == sha.strip().lower():
        return
    fetch(url, sha, dest)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__.strip().splitlines()[-1])
    fetch(*sys.argv[1:])
