"""Download and unpack the golden set's pinned packages into the cache dir (.eval/ by default).

Why a cache: `make eval` must not hit the registries on every run, and must work offline once
the packages are here. A package is fetched only when its unpacked tree lacks the `.complete`
marker, so the second run makes no network call at all.

Why hashes: the archives are hostile input (the eval scans them, and `pip download` prepares
an sdist's metadata, which runs its build backend). Each archive's sha256 is pinned in
golden.toml; a mismatch is an error and the file is deleted, never unpacked.

    python eval/fetch.py            # every package in eval/golden.toml
    python eval/fetch.py flask zod  # some of them
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10: the package's own dependency
    import tomli as tomllib  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden.toml"
DEFAULT_CACHE = HERE.parent / ".eval"
MARKER = ".complete"
TIMEOUT_S = 300  # a registry that has not answered in 5 minutes is unreachable for our purposes


class FetchError(Exception):
    """A package could not be fetched or unpacked; the message says which and why."""


@dataclass(frozen=True)
class Package:
    """One [[package]] of golden.toml (see the comment at its top for each field)."""

    name: str
    version: str
    registry: str
    sha256: str = ""
    kind: str = ""
    title: str = ""
    title_aliases: tuple[str, ...] = ()
    core: tuple[str, ...] = ()
    source: str = ""
    junk: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"


def load_golden(path: Path = GOLDEN) -> list[Package]:
    """The golden set, checked enough that a typo fails here and not halfway through a run."""
    with open(path, "rb") as fh:
        doc = tomllib.load(fh)
    out: list[Package] = []
    known = {f for f in Package.__dataclass_fields__ if f != "extra"}
    for i, raw in enumerate(doc.get("package", [])):
        where = f"{path}: package {i + 1} ({raw.get('name', '?')})"
        for required in ("name", "version", "registry", "title", "core", "source"):
            if not raw.get(required):
                raise FetchError(f"{where}: missing {required!r}")
        if raw["registry"] not in ("pypi", "npm"):
            raise FetchError(f"{where}: registry must be 'pypi' or 'npm'")
        values = {k: v for k, v in raw.items() if k in known}
        for k in ("title_aliases", "core", "junk"):
            values[k] = tuple(values.get(k, ()))
        out.append(Package(**values, extra={k: v for k, v in raw.items() if k not in known}))
    names = [p.name for p in out]
    if len(set(names)) != len(names):
        raise FetchError(f"{path}: a package is listed twice")
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _run(argv: list[str], what: str, cwd: Path) -> None:
    """Run a registry client; any failure is a FetchError that says the registry may be down."""
    try:
        proc = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
        )
    except FileNotFoundError:
        raise FetchError(f"{what}: {argv[0]!r} is not installed") from None
    except subprocess.TimeoutExpired:
        raise FetchError(
            f"{what}: no answer in {TIMEOUT_S} s; is the registry reachable?"
        ) from None
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-6:])
        raise FetchError(
            f"{what} failed (exit {proc.returncode}); is the registry reachable? "
            f"Offline, only packages already in the cache can be evaluated.\n{tail}"
        )


def _download(pkg: Package, dl: Path) -> Path:
    """The archive for pkg in dl: reused when present with the right hash, else downloaded."""
    dl.mkdir(parents=True, exist_ok=True)
    if pkg.registry == "pypi":
        spec = f"{pkg.name}=={pkg.version}"
        argv = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"]
        argv += ["--disable-pip-version-check", "-q", "-d", str(dl), spec]
        prefixes = {pkg.name.lower().replace("-", "_"), pkg.name.lower()}
        suffixes = (".tar.gz", ".zip")
    else:
        spec = f"{pkg.name}@{pkg.version}"
        argv = ["npm", "pack", "--silent", "--pack-destination", str(dl), spec]
        prefixes = {pkg.name.lstrip("@").replace("/", "-")}
        suffixes = (".tgz",)

    def present() -> Path | None:
        for p in sorted(dl.iterdir()):
            low = p.name.lower()
            if low.endswith(suffixes) and any(
                low == f"{x}-{pkg.version}{s}" for x in prefixes for s in suffixes
            ):
                return p
        return None

    archive = present()
    if archive is None:
        _run(argv, f"downloading {spec} from {pkg.registry}", cwd=dl)
        archive = present()
        if archive is None:
            raise FetchError(f"{spec}: the client reported success but no archive is in {dl}")
    if pkg.sha256:
        got = _sha256(archive)
        if got != pkg.sha256:
            archive.unlink()
            raise FetchError(
                f"{spec}: sha256 {got} does not match golden.toml's {pkg.sha256}; "
                "the file was deleted, not unpacked"
            )
    return archive


def _unpack(archive: Path, dest: Path) -> None:
    """Unpack a tarball into dest, its single top folder stripped; links and escapes refused."""
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        with tarfile.open(archive) as tar:
            members = tar.getmembers()
            tops = {m.name.split("/", 1)[0] for m in members}
            strip = len(tops) == 1
            for m in members:
                if not (m.isfile() or m.isdir()):
                    continue  # no links or devices from a hostile archive
                rel = m.name.split("/", 1)[1] if strip and "/" in m.name else m.name
                if strip and "/" not in m.name:
                    continue
                target = (tmp / rel).resolve()
                if not target.is_relative_to(tmp.resolve()):
                    raise FetchError(f"{archive.name}: member {m.name!r} escapes the folder")
                if m.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                src = tar.extractfile(m)
                if src is None:
                    continue
                with src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
        (tmp / MARKER).write_text(archive.name + "\n", encoding="utf-8")
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(tmp, dest)
    except (tarfile.TarError, OSError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise FetchError(f"cannot unpack {archive}: {exc}") from None


def ensure(pkg: Package, cache: Path = DEFAULT_CACHE) -> Path:
    """The unpacked source tree of pkg, fetched only if the cache does not hold it yet."""
    dest = cache / "src" / pkg.key
    if (dest / MARKER).is_file():
        return dest
    archive = _download(pkg, cache / "dl")
    _unpack(archive, dest)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="only these packages (default: all)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="cache dir (.eval/)")
    args = parser.parse_args(argv)
    try:
        packages = load_golden()
        wanted = [p for p in packages if not args.names or p.name in args.names]
        missing = set(args.names) - {p.name for p in packages}
        if missing:
            raise FetchError(f"not in golden.toml: {', '.join(sorted(missing))}")
        for pkg in wanted:
            print(f"{pkg.key:<24} {ensure(pkg, args.cache)}")
    except FetchError as exc:
        print(f"fetch: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
