"""``nakijken``: autograde all submissions of an assignment in parallel with nbgrader.

Design: each worker process has a private course folder — a copy of the gradebook, a link to
``source/`` and to the student's ``submitted/`` folder — and runs nbgrader's own ``Autograde``
there, complete: the sandboxed kernel (bubblewrap, memory limit) executes the notebook and
nbgrader records grades, comments and late penalties in the private gradebook and writes the
autograded notebook. The worker publishes the ``autograded/`` folder and sends back the rows
nbgrader wrote for the student (:func:`activering.grading.record.read_rows`); the main process
hands them to :func:`activering.grading.record.record_student`, which puts them in place of the
student's old rows in one session with one commit. Only the main process writes the real
gradebook, and only through :mod:`activering.grading.record`, so SQLite writes never collide,
and the scores are by construction those of plain ``nbgrader autograde``.

The main process only merges rows and checks integrity, so two workers keep two cores busy.
A worker that exceeds the hard time limit per student is killed (its sandboxed kernel dies
with it) and replaced.

Re-running is idempotent: a submission whose files did not change since it was recorded is
skipped (``opnieuw=True`` grades everything again). The report in ``nakijkverslag/`` is
written (atomically) after each student's gradebook commit, so an interrupted run resumes where
it stopped.

One run per course at a time: a lock (``nakijkverslag/.nakijken.lock``, held with ``flock``) makes
a second run stop with a Dutch message; the kernel releases it when the holder ends, however it
ends. Workers ask the kernel to kill them when the main process ends (also on ``kill -9``), and
their sandboxes die with them; the temp folders a killed run leaves behind are removed by the
next run. Each worker forks its students' kernels from a warm zygote (see
:mod:`activering.grading.sandbox`), which removes most of a kernel's start-up cost.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

import nbformat
from nbgrader.api import MissingEntry
from sqlalchemy.exc import SQLAlchemyError
from traitlets import TraitError

from activering.grading import integrity, record
from activering.grading.config import Course, DocentError
from activering.grading.nbapi import gradebook, nbgrader_api
from activering.grading.nbconfig import course_config
from activering.grading.sandbox import (
    PATH_MAP_ENV,
    SandboxKernelManager,
    SandboxUnavailable,
    ZygoteError,
    get_zygote,
    owned_tempdir,
    remove_leftovers,
    require_sandbox,
    stop_zygote,
    take_network_attempts,
)
from activering.grading.status import FAILED, OK, StudentStatus, load_report, save_report
from activering.processes import die_with_parent


class GradingError(RuntimeError):
    pass


class GradingBusy(GradingError):
    """Another grading run holds the course's lock."""


LOCK_NAME = ".nakijken.lock"
_lock_fd: int | None = None  # the main process's lock; a worker closes its inherited copy


def _acquire_lock(course: Course) -> int:
    """One grading run per course at a time. The kernel releases the lock when the process ends,
    however it ends, so a crashed or killed run never leaves it stuck."""
    path = course.status_dir / LOCK_NAME
    try:
        course.status_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise GradingError(f"Kan het slot {path} niet aanmaken: {exc.strerror or exc}.") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise GradingError(f"Kan het slot {path} niet zetten: {exc.strerror}.") from None
        try:
            holder = path.read_text(encoding="utf-8").strip()
        except OSError:
            holder = ""
        detail = f" ({holder})" if holder else ""
        raise GradingBusy(
            f"Er loopt al een nakijkronde voor deze cursus{detail}. Wacht tot die klaar is "
            "en start dan opnieuw; ongewijzigde inzendingen worden dan overgeslagen."
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, f"proces {os.getpid()}, gestart {time.strftime('%d-%m-%Y %H:%M:%S')}\n".encode())
    return fd


def _release_lock(fd: int) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@dataclass
class GradingRun:
    assignment: str
    graded: list[StudentStatus] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0
    workers: int = 1

    @property
    def failed(self) -> list[StudentStatus]:
        return [s for s in self.graded if s.status == FAILED]

    @property
    def flagged(self) -> list[StudentStatus]:
        return [s for s in self.graded if s.signalen]


def submission_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def find_submissions(course: Course, assignment: str) -> dict[str, Path]:
    root = course.folder("submitted")
    if not root.is_dir():
        return {}
    return {p.parent.name: p for p in sorted(root.glob(f"*/{assignment}")) if p.is_dir()}


# --------------------------------------------------------------------------- worker side


def _worker_config(course: Course, private: Path):
    cfg = course_config(course)
    cfg.CourseDirectory.root = str(private)
    cfg.CourseDirectory.db_url = f"sqlite:///{private / 'gradebook.db'}"
    # all outputs are in once the last cell replied: stop the kernel at once instead of gracefully
    cfg.SandboxedExecute.shutdown_kernel = "immediate"
    # a worker grades many students: fork their kernels from one warm, sandboxed zygote
    cfg.SandboxKernelManager.zygote = True
    return cfg


def _publish_autograded(private: Path, real: Path) -> None:
    """Put the worker's autograded folder of one student where plain nbgrader would write it.

    Like nbgrader, a failed submission leaves the student's folder but not the assignment in it.
    """
    shutil.rmtree(real, ignore_errors=True)
    real.parent.mkdir(parents=True, exist_ok=True)
    if private.is_dir():
        shutil.move(str(private), str(real))


def _worker_main(conn, course: Course, assignment: str, snapshot: Path, private: Path, parent: int) -> None:
    """Worker loop: grade one student at a time with nbgrader in a private course copy."""
    die_with_parent(parent)
    os.setpgrp()  # own process group: the main process can kill the worker and its kernel
    if _lock_fd is not None:
        os.close(_lock_fd)  # the lock belongs to the main process only
    private.mkdir(parents=True, exist_ok=True)
    db = private / "gradebook.db"
    shutil.copy2(snapshot, db)
    (private / "source").symlink_to(course.folder("source"))
    (private / "submitted").mkdir(exist_ok=True)
    os.environ[PATH_MAP_ENV] = f"{private}={course.course_dir}"
    api = nbgrader_api(course, _worker_config(course, private))
    if course.config.nakijken.afscherming:
        try:  # warm up while the main process hands out the first student
            get_zygote(list(SandboxKernelManager.class_traits()["preload"].default()))
        except (OSError, subprocess.SubprocessError, SandboxUnavailable, ZygoteError, ValueError):
            pass  # the kernel manager falls back to one sandbox per kernel
    try:
        _worker_loop(conn, course, assignment, private, db, api)
    finally:
        stop_zygote()


def _worker_loop(conn, course: Course, assignment: str, private: Path, db: Path, api) -> None:
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        student, overrides = task
        start = time.monotonic()
        link = private / "submitted" / student
        try:
            if link.is_symlink() or link.exists():
                link.unlink()
            link.symlink_to(course.folder("submitted") / student)
            record.clear_overrides(course, assignment, student, overrides, db_url=f"sqlite:///{db}")
            take_network_attempts()
            result = api.autograde(assignment, student, force=True, create=True)
            payload = {
                "success": result["success"],
                "log": result.get("log", ""),
                "error": result.get("error", ""),
                "rows": record.read_rows(db, assignment, student, course),
                "netwerk": take_network_attempts(),
            }
            _publish_autograded(
                private / "autograded" / student / assignment, course.folder("autograded") / student / assignment
            )
        except WORKER_ERRORS:  # one student's failure never stops the worker
            payload = {"success": False, "log": "", "error": traceback.format_exc()}
        finally:
            shutil.rmtree(private / "autograded" / student, ignore_errors=True)
            if link.is_symlink():
                link.unlink()
        payload["student"] = student
        payload["duur_s"] = time.monotonic() - start
        conn.send(payload)


# What grading one student may raise in a worker besides nbgrader's own reported failure (which
# ``api.autograde`` returns, not raises): the file system, the gradebook copy, a notebook nbgrader
# could not read, the sandbox or kernel, a bad nbgrader setting.
WORKER_ERRORS = (
    OSError,
    SQLAlchemyError,
    MissingEntry,
    DocentError,
    ValueError,
    TypeError,
    KeyError,
    RecursionError,
    nbformat.ValidationError,
    subprocess.SubprocessError,
    SandboxUnavailable,
    TraitError,
    RuntimeError,
)


class _Worker:
    def __init__(self, ctx, index: int, args: tuple):
        self.index = index
        self.conn, child = ctx.Pipe()
        private = args[3] / f"w{index}-{time.monotonic_ns()}"
        self.process = ctx.Process(
            target=_worker_main,
            args=(child, args[0], args[1], args[2], private, os.getpid()),
            daemon=True,
            name=f"nakijken-{index}",
        )
        self.process.start()
        child.close()
        self.student: str | None = None  # the student being graded; the main process hands out one at a time
        self.started = 0.0

    def give(self, student: str, overrides: list[list[str]]) -> None:
        self.student, self.started = student, time.monotonic()
        self.conn.send((student, overrides))

    def finished(self) -> None:
        self.student = None

    def kill(self) -> None:
        try:
            os.killpg(self.process.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.kill()
        self.process.join(5)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(10)
        if self.process.is_alive():
            self.kill()


# --------------------------------------------------------------------------- main side


def _describe_missing(submitted: Path, expected: list[str]) -> str:
    """Why nbgrader found no notebook to grade, in the docent's words, without internal paths."""
    wanted = ", ".join(f"{n}.ipynb" for n in expected)
    present = sorted(p.name for p in submitted.glob("*.ipynb"))
    if present:
        return f"Verkeerde bestandsnaam: {', '.join(present)} ingeleverd, verwacht {wanted}."
    try:
        files = sorted(p.relative_to(submitted) for p in submitted.rglob("*") if p.is_file())
    except OSError:
        files = []
    nested = [str(p) for p in files if p.suffix == ".ipynb" and len(p.parts) > 1]
    archives = [str(p) for p in files if p.suffix.lower() in (".zip", ".rar", ".7z", ".gz", ".tar", ".tgz")]
    if nested:
        return (
            f"Het notebook staat in een submap ({', '.join(nested[:3])}) in plaats van los in de inzending "
            f"(verwacht {wanted}); er is niets uitgevoerd."
        )
    if archives:
        return (
            f"De inzending bevat een ingepakt bestand ({', '.join(archives[:3])}) in plaats van het notebook "
            f"(verwacht {wanted}); er is niets uitgevoerd."
        )
    return f"Geen notebook ingeleverd (verwacht {wanted})."


def _reason_from_log(text: str, submitted: Path, expected: list[str]) -> str:
    """A Dutch reason for a failed submission; never internal paths or exception texts."""
    if (
        "No notebooks found" in text or "No notebooks were matched" in text or "Skipping unknown notebook" in text
    ) and not any((submitted / f"{n}.ipynb").exists() for n in expected):
        return _describe_missing(submitted, expected)
    if any(
        s in text
        for s in (
            "metadata may be corrupted",
            "does not have a grade_id",
            "Inconsistent checksums",
            "Duplicate grade id",
            "duplicate grade id",
            "cell_type changed",
            "Cell type changed",
        )
    ):
        return (
            "De nbgrader-gegevens van een cel zijn aangepast (bijvoorbeeld een test- of antwoordcel die een "
            "andere naam, soort of vergrendeling kreeg); nbgrader kan dit notebook niet nakijken en de tests "
            "leveren geen punten op."
        )
    if any(
        s in text
        for s in (
            "NotJSONError",
            "JSONDecodeError",
            "does not appear to be JSON",
            "Expecting value",
            "Unterminated string",
            "NBFormatError",
            "ValidationError",
            "UnicodeDecodeError",
        )
    ):
        return "Het notebook is beschadigd of leeg (geen geldig JSON-notebook); er is niets uitgevoerd."
    if "DeadKernelError" in text or "Kernel died" in text or "kernel died" in text:
        return (
            "De kernel is gecrasht tijdens het uitvoeren (bijvoorbeeld een geheugenbom, os._exit of een "
            "afgebroken proces); tests die niet zijn uitgevoerd leveren geen punten op."
        )
    if "UnresponsiveKernel" in text or "CellTimeoutError" in text or "TimeoutError" in text:
        return "De kernel reageerde niet meer binnen de tijdslimiet; geen punten voor niet-uitgevoerde tests."
    if not any((submitted / f"{n}.ipynb").exists() for n in expected):
        return _describe_missing(submitted, expected)
    return (
        "Onbekende fout bij het nakijken van deze inzending; de technische melding staat voor de docent "
        "in nakijkverslag/fouten.log."
    )


def _log_failure(course: Course, assignment: str, student: str, text: str) -> None:
    """Keep nbgrader's own message for the docent (a log file, not the feedback or the grades)."""
    try:
        course.status_dir.mkdir(parents=True, exist_ok=True)
        with open(course.status_dir / "fouten.log", "a", encoding="utf-8") as log:
            log.write(f"=== {time.strftime('%Y-%m-%d %H:%M:%S')} {assignment} / {student}\n{text.strip()[-4000:]}\n")
    except OSError:
        pass


def _record(
    course: Course,
    assignment: str,
    worker_result: dict,
    sub_hash: str,
    previous: StudentStatus | None,
    expected: list[str],
) -> StudentStatus:
    """Decide what the worker's nbgrader result means for the student and have
    :func:`activering.grading.record.record_student` write it (one session, one commit)."""
    settings = course.config.nakijken
    student = worker_result["student"]
    submitted = course.folder("submitted") / student / assignment
    status = StudentStatus(
        student=student, status=OK, inzending_hash=sub_hash, duur_s=round(worker_result["duur_s"], 2)
    )
    what = record.StudentRecord(student)
    if worker_result.get("killed"):
        shutil.rmtree(course.folder("autograded") / student / assignment, ignore_errors=True)
        if previous:
            what.clear = previous.overrides
        what.failed = True
        status.status = FAILED
        status.reden = worker_result["reden"]
    else:
        what.rows = worker_result.get("rows")
        if not worker_result["success"]:
            text = "\n".join([worker_result.get("log") or "", worker_result.get("error") or ""])
            status.status = FAILED
            status.reden = _reason_from_log(text, submitted, expected)
            _log_failure(course, assignment, student, text)
            what.failed = True
    if worker_result.get("netwerk"):
        # No address in the signal: it is shown to the student, and student code chooses the address
        # (it could carry a hidden test). The docent finds the attempts in nakijkverslag/fouten.log.
        attempts = worker_result["netwerk"]
        status.signalen.append(
            "studentcode probeerde verbinding te maken via het netwerk (geblokkeerd; "
            "details in nakijkverslag/fouten.log)"
        )
        _log_failure(course, assignment, student, "netwerkpogingen:\n" + "\n".join(attempts))
    if status.status == OK:
        status.signalen += integrity.execution_signals(
            course.folder("autograded") / student / assignment, settings.tijdslimiet_per_cel, settings.geheugenlimiet_mb
        )
    # integrity: edited or deleted locked cells
    tampering = integrity.find_tampering(
        submitted, course.folder("release") / assignment, course.folder("source") / assignment
    )
    for t in tampering:
        what_cell = "testcel" if t.is_test else "alleen-lezen cel"
        lost = f"; geen punten voor {', '.join(t.penalised)}" if t.penalised else ""
        status.signalen.append(f"{t.notebook}/{t.grade_id}: {what_cell} {t.kind}{lost}")
        what.penalties += [(t.notebook, gid) for gid in t.penalised]
    written = record.record_student(course, assignment, what)
    status.overrides = written.overrides
    status.autoscore, status.max_autoscore = written.autoscore, written.max_autoscore
    return status


def nakijken(
    assignment: str,
    course: Course | None = None,
    *,
    students: list[str] | None = None,
    workers: int | None = None,
    opnieuw: bool = False,
    on_progress: Callable[[StudentStatus | None, int, int], None] | None = None,
) -> GradingRun:
    """Autograde every submission of ``assignment`` in parallel; see the module docstring.

    ``on_progress(status, done, total)`` is called once with ``status=None`` when the number of
    submissions is known and after each recorded student.
    """
    global _lock_fd
    course = course or Course.default()
    settings = course.config
    if settings.nakijken.afscherming:
        require_sandbox()
    if not course.db_path.exists():
        raise GradingError("Er is nog geen cijferboek: geef de opdracht eerst vrij (activering docent vrijgeven).")
    _lock_fd = _acquire_lock(course)
    try:
        remove_leftovers()  # what a killed run left behind: temp copies and kernel folders
        return _grade_locked(assignment, course, students, workers, opnieuw, on_progress)
    finally:
        fd, _lock_fd = _lock_fd, None
        _release_lock(fd)


def _grade_locked(
    assignment: str, course: Course, students: list[str] | None, workers: int | None, opnieuw: bool, on_progress
) -> GradingRun:
    settings = course.config
    n_workers = max(1, workers or settings.workers())
    started = time.monotonic()
    run = GradingRun(assignment, workers=n_workers)
    with gradebook(course) as gb:
        try:
            expected = [nb.name for nb in gb.find_assignment(assignment).notebooks]
        except MissingEntry:
            raise GradingError(f"Opdracht '{assignment}' staat niet in het cijferboek: geef hem eerst vrij.") from None

    submissions = find_submissions(course, assignment)
    if students:
        submissions = {s: p for s, p in submissions.items() if s in set(students)}
    report = load_report(course, assignment)
    todo: list[str] = []
    hashes: dict[str, str] = {}
    for student, folder in submissions.items():
        hashes[student] = submission_hash(folder)
        previous = report.get(student)
        if not opnieuw and previous and previous.inzending_hash == hashes[student]:
            run.skipped.append(student)
        else:
            todo.append(student)
    total = len(todo)
    if on_progress:
        on_progress(None, 0, total)
    if not todo:
        run.seconds = time.monotonic() - started
        return run

    run_dir = owned_tempdir("activering-nakijken-")
    snapshot = run_dir / "snapshot.db"
    shutil.copy2(course.db_path, snapshot)
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    worker_args = (course, assignment, snapshot, run_dir)
    pool = [_Worker(ctx, i, worker_args) for i in range(min(n_workers, total))]
    queue = list(todo)

    def give_next(worker: _Worker) -> None:
        student = queue.pop(0)
        previous = report.get(student)
        worker.give(student, previous.overrides if previous else [])

    def replace(worker: _Worker) -> _Worker:
        """Kill a worker (and its sandboxed kernel) and start a fresh one with the next student."""
        worker.kill()
        fresh = _Worker(ctx, worker.index, worker_args)
        pool[pool.index(worker)] = fresh
        if queue:
            give_next(fresh)
        return fresh

    def killed(worker: _Worker, reden: str) -> dict:
        return {"student": worker.student, "killed": True, "duur_s": time.monotonic() - worker.started, "reden": reden}

    hard_limit = settings.nakijken.tijdslimiet_per_student
    done = 0
    try:
        for worker in pool:
            give_next(worker)
        while any(w.student for w in pool):
            busy = {w.conn: w for w in pool if w.student}
            results = []
            for conn in wait(list(busy), timeout=0.5):
                worker = busy[conn]
                try:
                    results.append(conn.recv())
                except (EOFError, OSError):
                    results.append(
                        killed(worker, "Het nakijkproces stopte onverwacht (bijvoorbeeld door geheugengebrek).")
                    )
                    replace(worker)
                else:
                    worker.finished()
                    if queue:
                        give_next(worker)
            for worker in list(pool):
                if worker.student and time.monotonic() - worker.started > hard_limit:
                    results.append(
                        killed(
                            worker,
                            f"Harde tijdslimiet van {hard_limit} s per student overschreden; "
                            "het nakijken is afgebroken en telt geen enkele test als geslaagd.",
                        )
                    )
                    replace(worker)
            for result in results:
                student = result["student"]
                status = _record(course, assignment, result, hashes[student], report.get(student), expected)
                report[student] = status
                save_report(course, assignment, report)
                run.graded.append(status)
                done += 1
                if on_progress:
                    on_progress(status, done, total)
    except KeyboardInterrupt:
        run.interrupted = True
        for worker in pool:
            worker.kill()
        pool = []
    finally:
        for worker in pool:
            worker.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
        remove_leftovers()  # kernel folders of workers that were killed in this run
        run.seconds = time.monotonic() - started
    return run
