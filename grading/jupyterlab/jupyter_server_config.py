# JupyterLab of the course, for students and docenten alike (`make lab`, `make lab-docent`, the hub's
# servers): this folder is on JUPYTER_CONFIG_PATH (see activering.lab and grading/jupyterhub/).
#
#   settings/overrides.json   the default settings: Dutch interface (jupyterlab-language-pack-nl-NL),
#                             no news question, a MyST page (.md) opens as a notebook (jupytext)
#   contents manager          jupytext's, with a MyST page's citations shown as the book shows them
#                             (activering.lab_contents; the file on disk keeps its {cite:p} roles)
#
# Students additionally get grading/jupyterhub/student/ (the docent's nbgrader panels and menu off).
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets)

HERE = Path(__file__).resolve().parent
c.LabApp.app_settings_dir = str(HERE / "settings")
# Nothing is fetched from the internet: no Jupyter news, no update check.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
# jupytext's contents manager (a .md page opens as a notebook) that shows citations as plain text.
c.ServerApp.contents_manager_class = "activering.lab_contents.CourseContentsManager"
