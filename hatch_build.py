"""Build the optional C scanner, sorafilm_nb.analysis._pyscan, when the package is built or
installed.

hatchling runs this hook for wheels and editable installs (``pip install -e .``). It compiles
sorafilm_nb/analysis/_pyscan.c with the C compiler Python was built with, into the package
folder, so
an editable install imports it in place and a wheel carries it (and is then tagged for this
platform and Python). Without a compiler, or if the compile fails, it says so and the build
goes on: the package is then pure Python and reads Python files with ``ast`` alone, the same
results at ast's speed (see _scan_python).

``python hatch_build.py`` compiles it in place without pip: the Makefile does this when the C
source changed, so `make test` always runs the scanner that is in the work tree.
``python hatch_build.py --into DIR [--sanitize]`` compiles a scratch copy under DIR for the
running Python and prints the module's path: `make test-pythons` builds one per interpreter,
`make test-sanitize` one under AddressSanitizer and UndefinedBehaviorSanitizer; the tests load
it through SORAFILM_PYSCAN_PATH (tests/analysis/conftest.py).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SOURCE = Path("sorafilm_nb") / "analysis" / "_pyscan.c"
OPTIMIZE = ("-O2",)
# Every sanitizer report aborts (a test fails) rather than printing and going on. The process
# must start with libasan loaded: LD_PRELOAD=$(gcc -print-file-name=libasan.so).
SANITIZE = (
    "-O1",
    "-g",
    "-fno-omit-frame-pointer",
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=all",
)


def target(root: Path) -> Path:
    """Where the compiled module goes: beside its source, named for this Python."""
    return root / SOURCE.with_name("_pyscan" + sysconfig.get_config_var("EXT_SUFFIX"))


def compile_scanner(root: Path, flags: Sequence[str] = OPTIMIZE) -> Path | None:
    """Compile the scanner for the running Python; its path, or None (reason on stderr)."""
    src = root / SOURCE
    out = target(root)
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    include = sysconfig.get_paths()["include"]
    if not (Path(include) / "Python.h").is_file():
        print(f"sorafilm-nb: no Python.h in {include}: C scanner not built", file=sys.stderr)
        return None
    tmp = out.with_name(out.name + ".tmp")
    cmd = [*cc, *flags, "-fPIC", "-shared", f"-I{include}", str(src), "-o", str(tmp)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"sorafilm-nb: C scanner not built ({exc}); ast will be used", file=sys.stderr)
        return None
    if done.returncode != 0:
        print(
            f"sorafilm-nb: C scanner not built; ast will be used:\n{done.stderr[-2000:]}",
            file=sys.stderr,
        )
        tmp.unlink(missing_ok=True)
        return None
    os.replace(tmp, out)  # atomic: a running interpreter never sees half a module
    return out


def compile_scratch(into: Path, flags: Sequence[str] = OPTIMIZE) -> Path | None:
    """Copy the C source under into/ and compile it there: a build that no install sees."""
    here = Path(__file__).resolve().parent
    (into / SOURCE).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(here / SOURCE, into / SOURCE)
    return compile_scanner(into, flags)


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:  # run as a script, outside a build
    BuildHookInterface = object  # type: ignore[assignment,misc]


class ScannerBuildHook(BuildHookInterface):  # type: ignore[misc,valid-type]
    """hatchling's custom build hook (``[tool.hatch.build.targets.wheel.hooks.custom]``)."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        built = compile_scanner(Path(self.root))
        if built is None:
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":  # an editable install imports it from the work tree
            # the module is git-ignored, so it must be named to be packed
            build_data["force_include"][str(built)] = f"sorafilm_nb/analysis/{built.name}"


def main(argv: Sequence[str]) -> int:
    if "--into" not in argv:
        return 0 if compile_scanner(Path(__file__).resolve().parent) else 1
    into = Path(argv[argv.index("--into") + 1])
    built = compile_scratch(into, SANITIZE if "--sanitize" in argv else OPTIMIZE)
    if built is None:
        return 1
    print(built)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
