# nbgrader configuration of the course. Run plain nbgrader commands from this folder
# (e.g. `cd exercises && nbgrader autograde <opdracht>`); `activering docent …` uses the same
# settings. Timeouts, memory limit and cesuur live in ../grading/config.yml.
# Each assignment's source is source/<opdracht>/<opdracht>.md (MyST); the notebook next to it is made
# from it by `activering docent vrijgeven` (or `python -m activering.grading.sources`). The .md files
# never reach students (CourseDirectory.ignore in activering.grading.nbconfig).
from pathlib import Path

from activering.grading.nbconfig import configure

c = get_config()  # noqa: F821 (provided by nbgrader)
configure(c, Path(__file__).resolve().parent)
