"""Run a grading kernel in an isolated filesystem view (bubblewrap) with a memory limit.

The kernel sees only the Python installation, the course package and course data (read-only)
and a private copy of the submission folder *without* notebooks: the sanitised notebook that
nbgrader writes next to the kernel's working directory contains the hidden tests, and the
course's ``source``/``release`` folders and the gradebook are simply not mounted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Integer, Unicode

from activering.paths import REPO_ROOT
from nbgrader.preprocessors import Execute

# Environment variable set by the parallel grader: "<private root>=<real root>", so a kernel
# started from a worker's private course copy sees the same working directory as nbgrader's.
PATH_MAP_ENV = "ACTIVERING_SANDBOX_PATHMAP"


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


@lru_cache(maxsize=1)
def bwrap_path() -> str | None:
    return shutil.which("bwrap")


@lru_cache(maxsize=1)
def sandbox_works() -> bool:
    """True when bubblewrap exists and can start a process in new namespaces here."""
    exe = bwrap_path()
    if exe is None:
        return False
    cmd = [exe, *_base_args(Path(tempfile.gettempdir())), "--", "/bin/true"]
    try:
        return subprocess.run(cmd, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def require_sandbox() -> None:
    if not sandbox_works():
        raise SandboxUnavailable(
            "De afscherming van studentcode werkt niet: het programma 'bwrap' (Debian-pakket "
            "'bubblewrap') ontbreekt of mag geen namespaces maken. Installeer het met "
            "'sudo apt-get install bubblewrap', of zet in grading/config.yml "
            "'nakijken: {afscherming: false}' als je de risico's accepteert."
        )


def _readonly_roots() -> list[Path]:
    """Folders a Python kernel needs: the interpreter, its site-packages, the course code and data.

    Deliberately not derived from ``sys.path`` (which may hold the repository or test folders).
    """
    import site

    roots = {Path(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
    roots.update(Path(p) for p in site.getsitepackages())
    user_site = site.getusersitepackages()
    if isinstance(user_site, str):
        roots.add(Path(user_site))
    roots.add(REPO_ROOT / "src")
    roots.add(REPO_ROOT / "data")
    kept = sorted({r.resolve() for r in roots if r.exists()})
    result: list[Path] = []
    for root in kept:
        if root in (Path("/"), REPO_ROOT) or REPO_ROOT.is_relative_to(root):
            continue  # never mount a folder that contains the whole repository
        if not any(root.is_relative_to(parent) for parent in result):
            result.append(root)
    return result


# Under an address-space limit, glibc's per-thread malloc arenas and BLAS/Arrow thread pools reserve
# so much virtual memory that importing pandas/pyarrow fails; a student kernel needs neither.
LIMITED_KERNEL_ENV = {"MALLOC_ARENA_MAX": "2", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _base_args(home: Path) -> list[str]:
    args = ["--unshare-all", "--share-net", "--die-with-parent"]
    for system in ("/usr", "/bin", "/lib", "/lib64", "/sbin"):
        if os.path.exists(system):
            args += ["--ro-bind", system, system] if not os.path.islink(system) else ["--symlink", os.readlink(system), system]
    for etc in ("/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives", "/etc/ssl", "/etc/fonts", "/etc/mime.types"):
        if os.path.exists(etc):
            args += ["--ro-bind", etc, etc]
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--setenv", "HOME", "/tmp",
             "--setenv", "MPLCONFIGDIR", "/tmp", "--unsetenv", PATH_MAP_ENV,
             # the parent pid is not visible in the new pid namespace: do not poll it
             "--unsetenv", "JPY_PARENT_PID"]
    for name, value in LIMITED_KERNEL_ENV.items():
        args += ["--setenv", name, value]
    return args


def sandbox_command(kernel_cmd: list[str], workdir: Path, visible_dir: Path, staged: Path,
                    extra_ro: list[Path], memory_mb: int) -> list[str]:
    """The bwrap command line: ``staged`` appears at ``visible_dir`` and is the working dir."""
    args = [bwrap_path() or "bwrap", *_base_args(Path("/tmp"))]
    for root in _readonly_roots():
        args += ["--ro-bind", str(root), str(root)]
    for path in extra_ro:
        args += ["--ro-bind", str(path), str(path)]
    args += ["--bind", str(staged), str(visible_dir), "--chdir", str(visible_dir)]
    args.append("--")
    if memory_mb > 0 and shutil.which("prlimit"):
        limit = memory_mb * 1024 * 1024
        args += ["prlimit", f"--as={limit}", "--"]
    return args + list(kernel_cmd)


def visible_path(path: Path) -> Path:
    """Map a worker's private course path to the real course path (see PATH_MAP_ENV)."""
    mapping = os.environ.get(PATH_MAP_ENV)
    if mapping:
        private, real = mapping.split("=", 1)
        try:
            return Path(real) / path.resolve().relative_to(Path(private).resolve())
        except ValueError:
            return path
    return path


def stage_workdir(workdir: Path) -> Path:
    """A private copy of the kernel's working dir without notebooks (they hold hidden tests)."""
    staged = Path(tempfile.mkdtemp(prefix="activering-sbx-"))
    if workdir.is_dir():
        for item in workdir.iterdir():
            if item.suffix == ".ipynb" or item.name.startswith(".ipynb_checkpoints"):
                continue
            target = staged / item.name
            if item.is_dir():
                shutil.copytree(item, target, ignore=shutil.ignore_patterns("*.ipynb"), symlinks=False)
            elif item.is_file():
                shutil.copy2(item, target)
    os.chmod(staged, 0o777)
    return staged


class SandboxKernelManager(AsyncKernelManager):
    """Kernel manager that starts the kernel inside bubblewrap with an address-space limit."""

    memory_limit_mb = Integer(1024, help="Memory limit (address space) of the kernel in MiB; 0 = none.").tag(config=True)
    isolate = Bool(True, help="Isolate the kernel's filesystem with bubblewrap.").tag(config=True)
    staged_dir = Unicode("")

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        workdir = Path(kw.get("cwd") or os.getcwd())
        if self.isolate:
            require_sandbox()
            staged = stage_workdir(workdir)
            self.staged_dir = str(staged)
            extra = [Path(self.connection_file)] if self.connection_file else []
            kernel_cmd = sandbox_command(kernel_cmd, workdir, visible_path(workdir), staged, extra,
                                         self.memory_limit_mb)
            kw["cwd"] = str(staged)
            # A SIGINT to bwrap's process group would kill bwrap itself (and so the kernel);
            # ask the kernel to interrupt itself instead.
            self.kernel_spec.interrupt_mode = "message"
            kw.setdefault("stdout", subprocess.DEVNULL)
            kw.setdefault("stderr", subprocess.DEVNULL)
        elif self.memory_limit_mb > 0 and shutil.which("prlimit"):
            settings = [f"{name}={value}" for name, value in LIMITED_KERNEL_ENV.items()]
            kernel_cmd = ["env", *settings, "prlimit", f"--as={self.memory_limit_mb * 1024 * 1024}", "--", *kernel_cmd]
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self.staged_dir and not restart:
            shutil.rmtree(self.staged_dir, ignore_errors=True)
            self.staged_dir = ""


class SandboxedExecute(Execute):
    """nbgrader's Execute preprocessor, with the kernel in the sandbox."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(*args, **kwargs)
