"""Run a grading kernel in an isolated filesystem view (bubblewrap) with a memory limit.

The kernel sees only the Python installation, the course package and course data (read-only)
and a private copy of the submission folder *without* notebooks: the sanitised notebook that
nbgrader writes next to the kernel's working directory contains the hidden tests, and the
course's ``source``/``release`` folders and the gradebook are simply not mounted.

The kernel has no network at all (its own empty network namespace) and talks to the grader over
Unix sockets (ZeroMQ's ``ipc`` transport) in a private folder; an attempt to use the network is
recorded by an audit hook and reported to the docent. It gets a clean environment (no variables
of the docent's shell) and its own session (no access to the docent's terminal). Every process
it starts lives in its own PID namespace and dies with it.

Each kernel's private folder (``activering-sbx-*`` in the temp folder) carries the process id of
its owner; :func:`remove_leftovers` deletes the folders of owners that are gone (a killed run).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, List, Unicode

from activering.paths import REPO_ROOT

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


# Variables a kernel may inherit from the grader's environment; everything else (tokens, keys,
# the docent's settings) stays outside.
KERNEL_ENV_KEEP = (
    "PATH",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_CTYPE",
    "LC_NUMERIC",
    "LC_TIME",
    "TZ",
    "NBGRADER_EXECUTION",
    "JPY_SESSION_NAME",
    "PYTHONHASHSEED",
    "VIRTUAL_ENV",
    "ACTIVERING_DATA_DIR",
    "MPLBACKEND",
)

# Under an address-space limit, glibc's per-thread malloc arenas and BLAS/Arrow thread pools reserve
# so much virtual memory that importing pandas/pyarrow fails; a student kernel needs neither.
LIMITED_KERNEL_ENV = {
    "MALLOC_ARENA_MAX": "2",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def _base_args(home: Path, env: dict[str, str] | None = None) -> list[str]:
    # --unshare-all includes the network: the kernel's namespace has only its own loopback
    args = ["--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    if os.geteuid() == 0:
        # run as root (a server, CI), bwrap keeps every capability inside the sandbox: drop them
        args += ["--cap-drop", "ALL"]
    source_env = os.environ if env is None else env
    for name in KERNEL_ENV_KEEP:
        if name in source_env:
            args += ["--setenv", name, source_env[name]]
    for system in ("/usr", "/bin", "/lib", "/lib64", "/sbin"):
        if os.path.exists(system):
            args += (
                ["--ro-bind", system, system]
                if not os.path.islink(system)
                else ["--symlink", os.readlink(system), system]
            )
    for etc in ("/etc/ld.so.cache", "/etc/localtime", "/etc/alternatives", "/etc/ssl", "/etc/fonts", "/etc/mime.types"):
        if os.path.exists(etc):
            args += ["--ro-bind", etc, etc]
    args += [
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
        "--setenv",
        "HOME",
        "/tmp",
        "--setenv",
        "MPLCONFIGDIR",
        "/tmp",
        "--unsetenv",
        PATH_MAP_ENV,
        # the parent pid is not visible in the new pid namespace: do not poll it
        "--unsetenv",
        "JPY_PARENT_PID",
    ]
    for name, value in LIMITED_KERNEL_ENV.items():
        args += ["--setenv", name, value]
    return args


def sandbox_command(
    kernel_cmd: list[str],
    workdir: Path,
    visible_dir: Path,
    staged: Path,
    extra_ro: list[Path],
    memory_mb: int,
    ipc_dir: Path | None = None,
    env: dict[str, str] | None = None,
) -> list[str]:
    """The bwrap command line: ``staged`` appears at ``visible_dir`` and is the working dir;
    ``ipc_dir`` (the kernel's sockets and connection file) at its own path."""
    args = [bwrap_path() or "bwrap", *_base_args(Path("/tmp"), env)]
    for root in _readonly_roots():
        args += ["--ro-bind", str(root), str(root)]
    for path in extra_ro:
        args += ["--ro-bind", str(path), str(path)]
    if ipc_dir is not None:
        args += ["--bind", str(ipc_dir), str(ipc_dir)]
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


OWNER_FILE = ".eigenaar"
LEFTOVER_PREFIXES = ("activering-sbx-", "activering-nakijken-")


def _start_time(pid: int) -> str | None:
    """The start time of process ``pid`` (to tell a live owner from a reused process id)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def owned_tempdir(prefix: str) -> Path:
    """A new folder in the temp folder that records its owner (this process)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    (folder / OWNER_FILE).write_text(f"{os.getpid()} {_start_time(os.getpid()) or ''}\n")
    return folder


def _owner_alive(folder: Path) -> bool:
    try:
        pid_text, _, started = (folder / OWNER_FILE).read_text().strip().partition(" ")
        pid = int(pid_text)
    except (OSError, ValueError):
        # no owner recorded (made by an older version): leave it unless it is old
        try:
            return time.time() - folder.stat().st_mtime < 3600
        except OSError:
            return False
    current = _start_time(pid)
    return current is not None and (not started or current == started)


def force_rmtree(path: Path) -> None:
    """Remove a folder even when code inside it took away its permissions."""

    def unlock(func, name, exc):
        try:
            os.chmod(os.path.dirname(name), 0o700)
            if os.path.isdir(name) and not os.path.islink(name):
                os.chmod(name, 0o700)
                shutil.rmtree(name, ignore_errors=True)
            else:
                os.unlink(name)
        except OSError:
            pass

    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
        return
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    shutil.rmtree(path, onerror=unlock)


def remove_leftovers(tmpdir: Path | None = None) -> list[Path]:
    """Delete the temp folders of grading runs and kernels whose owner process is gone."""
    removed = []
    root = Path(tmpdir or tempfile.gettempdir())
    try:
        candidates = [p for p in root.iterdir() if p.name.startswith(LEFTOVER_PREFIXES)]
    except OSError:
        return removed
    for folder in candidates:
        try:
            if folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        if not _owner_alive(folder):
            force_rmtree(folder)
            removed.append(folder)
    return removed


def stage_workdir(workdir: Path, staged: Path | None = None) -> Path:
    """A private copy of the kernel's working dir without notebooks (they hold hidden tests)."""
    if staged is None:
        staged = owned_tempdir("activering-sbx-") / "werkmap"
    staged.mkdir(parents=True, exist_ok=True)
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


# Started instead of ``python -m ipykernel_launcher``: records network attempts through an audit
# hook (which student code cannot remove) in the file named by the first argument, and keeps
# debugpy (never used in grading, and a large part of a kernel's start-up) from being imported.
# Its ``except Exception`` (and the zygote's below) are deliberate: this code runs inside the
# student's kernel, where an audit hook must never raise whatever student code hands it.
KERNEL_BOOT = r"""
import sys
_log_path = sys.argv.pop(1)
sys.modules["debugpy"] = None
def _activering_audit(event, args, _open=open, _seen=set()):
    if event not in ("socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind"):
        return
    try:
        family = int(args[0].family)
    except Exception:
        family = -1
    if family == 1:  # AF_UNIX: the kernel's own sockets
        return
    what = "%s %r" % (event, args[1] if len(args) > 1 else "")
    if what in _seen or len(_seen) > 20:
        return
    _seen.add(what)
    try:
        with _open(_log_path, "a") as log:
            log.write(what[:200] + "\n")
    except Exception:
        pass
sys.addaudithook(_activering_audit)
sys.argv[0] = "ipykernel_launcher"
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""

NETWORK_LOG = "netwerk.log"
# Network attempts seen by the kernels of this process since the last :func:`take_network_attempts`.
_network_attempts: list[str] = []


def take_network_attempts() -> list[str]:
    """The network attempts recorded since the last call (and forget them)."""
    found = list(_network_attempts)
    _network_attempts.clear()
    return found


def _boot_command(kernel_cmd: list[str], log: Path) -> list[str]:
    """``python -m ipykernel_launcher …`` → ``python -c KERNEL_BOOT <log> …``."""
    if len(kernel_cmd) >= 3 and kernel_cmd[1:3] == ["-m", "ipykernel_launcher"]:
        return [kernel_cmd[0], "-c", KERNEL_BOOT, str(log), *kernel_cmd[3:]]
    return kernel_cmd


# --------------------------------------------------------------------------- kernel zygote
#
# Starting a kernel costs more CPU than grading most notebooks: a Python interpreter, ipykernel,
# IPython, ZeroMQ, pandas and the course package are imported for every student. A grading worker
# therefore keeps one sandbox with a "zygote": a Python process that imported all of that once
# and forks a fresh kernel for each student. The zygote itself never runs student code and never
# holds a student's data. After each kernel it kills every other process in the sandbox's PID
# namespace (background processes, forks) and empties /tmp, so nothing passes from one student
# to the next. It is non-dumpable, so a kernel cannot tamper with its memory.

ZYGOTE_BOOT = r"""
import ctypes, json, os, resource, select, shutil, signal, sys
sys.modules["debugpy"] = None
_home = os.getcwd()
import importlib
for _name in json.loads(sys.argv[1]):
    try:
        importlib.import_module(_name)
    except Exception:
        pass
import ipykernel.kernelapp, ipykernel.ipkernel, IPython, zmq, jupyter_client.session
_libc = ctypes.CDLL(None, use_errno=True)
_libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: kernels cannot ptrace or write our memory
_r, _w = os.pipe()
os.set_blocking(_w, False)
signal.signal(signal.SIGCHLD, lambda *a: None)
signal.set_wakeup_fd(_w)
_in = os.fdopen(0, "rb", buffering=0)
_buf = b""

def _send(obj):
    os.write(1, (json.dumps(obj) + "\n").encode())

def _readline():
    global _buf
    while b"\n" not in _buf:
        chunk = os.read(0, 65536)
        if not chunk:
            return None
        _buf += chunk
    line, _buf = _buf.split(b"\n", 1)
    return json.loads(line)

def _audit(event, args, _log=[None], _seen=set()):
    if event not in ("socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind"):
        return
    try:
        family = int(args[0].family)
    except Exception:
        family = -1
    if family == 1:
        return
    what = "%s %r" % (event, args[1] if len(args) > 1 else "")
    if what in _seen or len(_seen) > 20:
        return
    _seen.add(what)
    try:
        with open(_log[0], "a") as log:
            log.write(what[:200] + "\n")
    except Exception:
        pass

def _child(req):
    try:
        os.setsid()
        _libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: die with the zygote
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        null = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, 65536)
        os.chdir(req["cwd"])
        os.environ.clear()
        os.environ.update(req["env"])
        if req["mem"] > 0:
            resource.setrlimit(resource.RLIMIT_AS, (req["mem"], req["mem"]))
        _audit.__defaults__[0][0] = req["log"]
        sys.addaudithook(_audit)
        sys.argv = ["ipykernel_launcher", "-f", req["conn"]]
        ipykernel.kernelapp.launch_new_instance()
    finally:
        os._exit(0)

def _clean():
    if os.getpid() <= 3:  # only inside the sandbox's own PID namespace
        try:
            os.kill(-1, signal.SIGKILL)  # everything in this PID namespace but us and init
        except OSError:
            pass
    while True:
        try:
            if os.waitpid(-1, 0)[0] <= 0:
                break
        except ChildProcessError:
            break
    for root in ("/tmp", "/dev/shm", "/var/tmp"):
        try:
            names = os.listdir(root)
        except OSError:
            continue
        for name in names:
            path = os.path.join(root, name)
            if _home == path or _home.startswith(path + "/"):
                continue  # the folder shared with the grader; it sweeps that itself
            _remove(path)

def _unlock(func, path, exc):
    try:
        os.chmod(os.path.dirname(path), 0o700)
        if os.path.isdir(path) and not os.path.islink(path):
            os.chmod(path, 0o700)
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass

def _remove(path):
    if os.path.isdir(path) and not os.path.islink(path):
        try:
            os.chmod(path, 0o700)
        except OSError:
            pass
        shutil.rmtree(path, onerror=_unlock)
    else:
        try:
            os.unlink(path)
        except OSError:
            pass

_clean()
_send({"ready": True})
while True:
    req = _readline()
    if req is None:
        _clean()
        os._exit(0)
    if req.get("op") != "start":
        continue
    pid = os.fork()
    if pid == 0:
        _child(req)
    _send({"pid": pid})
    code = None
    while code is None:
        ready, _, _ = select.select([0, _r], [], [])
        if _r in ready:
            try:
                os.read(_r, 4096)
            except OSError:
                pass
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done, status = pid, 0
        if done == pid:
            code = os.waitstatus_to_exitcode(status)
            break
        if 0 in ready:
            msg = _readline()
            if msg is None:
                _clean()
                os._exit(0)
            if msg.get("op") == "signal":
                try:
                    os.kill(pid, int(msg["sig"]))
                except OSError:
                    pass
    _clean()
    _send({"exit": code})
"""


class ZygoteError(RuntimeError):
    pass


class Zygote:
    """The worker side of a kernel zygote: one sandbox, one kernel at a time."""

    def __init__(self, preload: list[str]):
        self.root = owned_tempdir("activering-sbx-")
        self.lock = threading.Lock()
        self.buffer = b""
        self.current: ZygoteProcess | None = None
        self.counter = 0
        args = [bwrap_path() or "bwrap", *_base_args(Path("/tmp"))]
        for root in _readonly_roots():
            args += ["--ro-bind", str(root), str(root)]
        # --as-pid-1: no bwrap init beside the zygote that a kernel could tamper with and that
        # would survive the clean-up between students
        args += [
            "--bind",
            str(self.root),
            str(self.root),
            "--chdir",
            str(self.root),
            "--as-pid-1",
            "--",
            sys.executable,
            "-c",
            ZYGOTE_BOOT,
            json.dumps(list(preload)),
        ]
        self.process = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True
        )
        reply = self.read(timeout=300)
        if not reply or not reply.get("ready"):
            self.stop()
            raise ZygoteError("kernel zygote did not start")

    def alive(self) -> bool:
        return self.process.poll() is None

    def read(self, timeout: float | None) -> dict | None:
        """One reply line, or None on timeout or when the zygote ended."""
        fd = self.process.stdout.fileno()
        deadline = None if timeout is None else time.monotonic() + timeout
        while b"\n" not in self.buffer:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def send(self, obj: dict) -> None:
        try:
            self.process.stdin.write((json.dumps(obj) + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            pass

    def sweep(self) -> None:
        """Remove everything a kernel left in the shared folder (the zygote cleans the rest)."""
        for entry in list(self.root.iterdir()):
            if entry.name != OWNER_FILE:
                force_rmtree(entry)

    def new_box(self) -> Path:
        self.counter += 1
        box = self.root / f"k{self.counter}"
        box.mkdir()
        return box

    def start_kernel(
        self, connection_file: str, cwd: Path, env: dict[str, str], memory: int, log: Path
    ) -> ZygoteProcess:
        if self.current is not None and self.current.returncode is None:
            self.current.wait()
        self.send({"op": "start", "conn": connection_file, "cwd": str(cwd), "env": env, "mem": memory, "log": str(log)})
        reply = self.read(timeout=120)
        if not reply or "pid" not in reply:
            self.stop()
            raise ZygoteError("kernel zygote did not fork a kernel")
        self.current = ZygoteProcess(self, reply["pid"])
        return self.current

    def stop(self) -> None:
        try:
            self.process.kill()
            self.process.wait(10)
        except (OSError, subprocess.SubprocessError):
            pass
        force_rmtree(self.root)


class ZygoteProcess:
    """Stands in for the ``Popen`` of a kernel forked by the zygote (what jupyter_client uses)."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: Zygote, pid: int):
        self.zygote, self.pid, self.returncode = zygote, pid, None

    def _collect(self, timeout: float | None) -> int | None:
        if self.returncode is None:
            reply = self.zygote.read(timeout)
            if reply is not None and "exit" in reply:
                self.returncode = reply["exit"] if reply["exit"] is not None else -9
            elif reply is None and not self.zygote.alive():
                self.returncode = -9
        return self.returncode

    def poll(self) -> int | None:
        return self._collect(0)

    def wait(self, timeout: float | None = None) -> int:
        code = self._collect(timeout)
        if code is None:
            raise subprocess.TimeoutExpired("kernel", timeout)
        return code

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            self.zygote.send({"op": "signal", "sig": int(signum)})
            if signum == signal.SIGKILL:
                self._collect(5)  # the zygote answers as soon as the kernel is gone: no polling delay

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


_zygote: Zygote | None = None


def get_zygote(preload: list[str]) -> Zygote:
    global _zygote
    if _zygote is None or not _zygote.alive():
        if _zygote is not None:
            _zygote.stop()
        _zygote = None
        _zygote = Zygote(preload)
    return _zygote


def stop_zygote() -> None:
    global _zygote
    if _zygote is not None:
        _zygote.stop()
        _zygote = None


class QuickKernelClient(AsyncKernelClient):
    """jupyter_client's client, but without its fixed waits once the kernel has answered.

    ``wait_for_ready`` asks for kernel_info until the kernel replies and IOPub is connected (as
    jupyter_client does, in shorter rounds), then drains IOPub for 0.02 s instead of 0.2 s: messages
    that belong to a cell are matched to it by their parent id anyway.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        import zmq

        # the kernel binds its sockets a moment after we connect: retry every 10 ms, not 100 ms
        self.context.setsockopt(zmq.RECONNECT_IVL, 10)

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        from queue import Empty

        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=0.25)
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:  # IOPub connected? (if not, ask again: short rounds instead of one long wait)
                        await self.iopub_channel.get_msg(timeout=0.05)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0.02)
            except Empty:
                break

    wait_for_ready = _async_wait_for_ready


class SandboxKernelManager(AsyncKernelManager):
    """Kernel manager that starts the kernel inside bubblewrap with an address-space limit."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.client_factory = QuickKernelClient

    def _close_control_socket(self) -> None:
        # the kernel is gone when this runs: do not linger 100 ms over an unsent interrupt request
        if self._control_socket is not None:
            self._control_socket.linger = 0
        super()._close_control_socket()

    memory_limit_mb = Integer(1024, help="Memory limit (address space) of the kernel in MiB; 0 = none.").tag(
        config=True
    )
    isolate = Bool(True, help="Isolate the kernel's filesystem with bubblewrap.").tag(config=True)
    zygote = Bool(False, help="Fork kernels from a long-lived zygote in one sandbox (grading workers).").tag(
        config=True
    )
    preload = List(["pandas", "activering.data"], help="Modules the zygote imports once for all kernels.").tag(
        config=True
    )
    staged_dir = Unicode("")
    box_dir = Unicode("")
    _zygote: Zygote | None = None

    async def _async_pre_start_kernel(self, **kw):
        if self.isolate and not self.box_dir:
            require_sandbox()
            self._zygote = None
            if self.zygote:
                try:
                    self._zygote = get_zygote(list(self.preload))
                except (ZygoteError, OSError, ValueError):
                    self._zygote = None  # fall back to one sandbox per kernel
            box = self._zygote.new_box() if self._zygote else owned_tempdir("activering-sbx-")
            ipc = box / "ipc"
            ipc.mkdir()
            self.box_dir = str(box)
            # ZeroMQ over Unix sockets in the private folder: the kernel needs no network
            self.transport = "ipc"
            self.ip = str(ipc / "k")
            self.cache_ports = False
            self.connection_file = str(ipc / "kernel.json")
        return await super()._async_pre_start_kernel(**kw)

    def _kernel_env(self, env: dict[str, str] | None) -> dict[str, str]:
        source = os.environ if env is None else env
        kept = {name: source[name] for name in KERNEL_ENV_KEEP if name in source}
        return {**kept, "HOME": "/tmp", "MPLCONFIGDIR": "/tmp", **LIMITED_KERNEL_ENV}

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        workdir = Path(kw.get("cwd") or os.getcwd())
        if self.isolate:
            box = Path(self.box_dir)
            staged = stage_workdir(workdir, box / "werkmap")
            self.staged_dir = str(staged)
            ipc = box / "ipc"
            # A SIGINT to bwrap's process group would kill bwrap itself (and so the kernel);
            # ask the kernel to interrupt itself instead.
            self.kernel_spec.interrupt_mode = "message"
            if self._zygote is not None:
                process = self._zygote.start_kernel(
                    self.connection_file,
                    staged,
                    self._kernel_env(kw.get("env")),
                    self.memory_limit_mb * 1024 * 1024,
                    ipc / NETWORK_LOG,
                )
                provisioner = self.provisioner
                provisioner.process, provisioner.pid, provisioner.pgid = process, process.pid, None
                provisioner.cwd = str(staged)
                self._reconcile_connection_info(provisioner.connection_info)
                return
            kernel_cmd = _boot_command(list(kernel_cmd), ipc / NETWORK_LOG)
            kernel_cmd = sandbox_command(
                kernel_cmd,
                workdir,
                visible_path(workdir),
                staged,
                [],
                self.memory_limit_mb,
                ipc_dir=ipc,
                env=kw.get("env"),
            )
            kw["cwd"] = str(staged)
            kw["stdin"] = subprocess.DEVNULL
            kw.setdefault("stdout", subprocess.DEVNULL)
            kw.setdefault("stderr", subprocess.DEVNULL)
        elif self.memory_limit_mb > 0 and shutil.which("prlimit"):
            settings = [f"{name}={value}" for name, value in LIMITED_KERNEL_ENV.items()]
            kernel_cmd = ["env", *settings, "prlimit", f"--as={self.memory_limit_mb * 1024 * 1024}", "--", *kernel_cmd]
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self.box_dir and not restart:
            log = Path(self.box_dir) / "ipc" / NETWORK_LOG
            try:
                if log.is_file() and not log.is_symlink():
                    _network_attempts.extend(log.read_text(errors="replace").splitlines()[:20])
                    del _network_attempts[:-1000]  # plain nbgrader never collects them
            except OSError:
                pass
            force_rmtree(Path(self.box_dir))
            if self._zygote is not None:
                self._zygote.sweep()
            self.box_dir = self.staged_dir = ""


class SandboxedExecute(Execute):
    """nbgrader's Execute preprocessor, with the kernel in the sandbox.

    A display update (``update_display`` or a display with an existing ``display_id``) only changes
    outputs of the cell that is running: otherwise a cell that runs after a hidden test could
    write what it caught into the output of an earlier cell, which the student is shown.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxKernelManager)
        super().__init__(*args, **kwargs)
        self._running_cell: int | None = None

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        self._running_cell = cell_index
        try:
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        finally:
            self._running_cell = None

    def _update_display_id(self, display_id, msg) -> None:
        targets = self._display_id_map.get(display_id)
        if not targets:
            return super()._update_display_id(display_id, msg)
        kept = {index: outputs for index, outputs in targets.items() if index == self._running_cell}
        self._display_id_map[display_id] = kept
        try:
            super()._update_display_id(display_id, msg)
        finally:
            self._display_id_map[display_id] = {**targets, **kept}
