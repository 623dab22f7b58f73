# nbgrader configuration for every single-user server on the course's JupyterHub.
#
# This is the *global* nbgrader config: docent and students alike load it.
#   - local set-up (jupyterhub_config.py): JupyterHub puts this folder on JUPYTER_CONFIG_PATH;
#   - Kubernetes (z2jh-values.yaml): mounted at /etc/jupyter/nbgrader_config.py via
#     `helm --set-file singleuser.extraFiles.nbgrader-config.stringData=grading/jupyterhub/nbgrader_config.py`.
#
# JupyterHub tells each server who it is through environment variables:
#   JUPYTERHUB_USER          the user name (set by JupyterHub itself)
#   ACTIVERING_ROL           "docent" or "student" (set by jupyterhub_config.py / hub.extraConfig)
#   NBGRADER_EXCHANGE_ROOT   the shared exchange folder (optional, default EXCHANGE_ROOT below)
#   ACTIVERING_CURSUSMAP     the docent's nbgrader course directory (optional)
#
# The docent's course directory is a checkout of the course repository in the docent's home:
# ~/vakmanschap-activering/exercises (with ../grading/config.yml). Its own nbgrader_config.py
# (timeouts, memory limit, sandboxed kernel) is loaded on top of this file, so grading on the
# hub gives the same results as `activering docent nakijken` on a laptop.
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# The course id: `cursus` in grading/config.yml (tests/test_jupyterhub.py checks they are equal).
COURSE_ID = "vakmanschap-activering"
# The shared exchange: release → fetch → submit → collect all go through this folder. On Kubernetes
# it is a ReadWriteMany volume mounted at exactly this path (checked against z2jh-values.yaml).
EXCHANGE_ROOT = "/srv/nbgrader/exchange"

c.CourseDirectory.course_id = COURSE_ID
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE_ROOT") or EXCHANGE_ROOT
# Fetched assignments land in ~/vakmanschap-activering/<opdracht>: one tidy folder per course.
c.Exchange.path_includes_course = True
# Each student's submission is closed to classmates (activering.grading.hub_exchange): readable only by
# the student and the docent's group, inbound/ with the sticky bit, collect skips a submission filed
# under another student's name, and feedback is readable by its own student only. See README.md in this folder, "Studenten van elkaar gescheiden".
c.ExchangeFactory.release_assignment = "activering.grading.hub_exchange.PrivateReleaseAssignment"
c.ExchangeFactory.submit = "activering.grading.hub_exchange.PrivateSubmit"
c.ExchangeFactory.collect = "activering.grading.hub_exchange.PrivateCollect"
c.ExchangeFactory.release_feedback = "activering.grading.hub_exchange.PrivateReleaseFeedback"
# Who filed a submission is only known when every user has their own OS account (jupyterhub_config.py
# sets ACTIVERING_EIGEN_UID=1 for its LocalProcessSpawner); with one account for all (jovyan on
# Kubernetes, the demo spawner) the check is off.
c.ExchangeCollect.check_owner = os.environ.get("ACTIVERING_EIGEN_UID") == "1"

role = os.environ.get("ACTIVERING_ROL", "student")
user = os.environ.get("JUPYTERHUB_USER")

if role == "docent":
    course_dir = Path(os.environ.get("ACTIVERING_CURSUSMAP") or Path.home() / COURSE_ID / "exercises")
    c.CourseDirectory.root = str(course_dir)
    if (course_dir / "nbgrader_config.py").is_file():
        load_subconfig(str(course_dir / "nbgrader_config.py"))  # noqa: F821 (traitlets)
        # The course config reads its id from grading/config.yml; the exchange must use this one.
        c.CourseDirectory.course_id = COURSE_ID
elif user:
    # A student submits under their hub name, whatever the OS account of the server is.
    c.CourseDirectory.student_id = user
