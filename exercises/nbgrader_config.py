# nbgrader configuration of the course. Run plain nbgrader commands from this folder
# (e.g. `cd exercises && nbgrader autograde <opdracht>`); `activering docent …` uses the same
# settings. Timeouts, memory limit and cesuur live in ../grading/config.yml.
from pathlib import Path

from activering.grading.nbconfig import configure

c = get_config()  # noqa: F821 (provided by nbgrader)
configure(c, Path(__file__).resolve().parent)
