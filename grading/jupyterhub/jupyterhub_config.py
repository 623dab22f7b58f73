# JupyterHub for one class of "Vakmanschap in activeringswerk", with nbgrader's own exchange.
#
#   docent:   releases an assignment (formgrader)      → exchange/<cursus>/outbound/<opdracht>
#   student:  fetches it (Assignments tab), works, submits → exchange/<cursus>/inbound/<student>+<opdracht>+<tijd>
#   docent:   collects, autogrades and grades (formgrader), the gradebook lives in the docent's course folder
#
# Start (see README.md in this folder and book/voor-docenten.md):
#
#   make setup hub-proxy
#   ACTIVERING_HUB_AUTHENTICATOR=shared-password ACTIVERING_HUB_WACHTWOORD=... ACTIVERING_HUB_SPAWNER=simple \
#   ACTIVERING_HUB_STUDENTEN=student1,student2 uv run jupyterhub -f grading/jupyterhub/jupyterhub_config.py
#
# Everything a hogeschool changes is an environment variable, so the end-to-end test
# (tests/test_jupyterhub.py) and a real server use this very file:
#
#   ACTIVERING_HUB_URL            public address the proxy listens on        (default http://127.0.0.1:8000)
#   ACTIVERING_HUB_STATE          folder for the hub database, cookie secret and pid files (default /srv/jupyterhub)
#   NBGRADER_EXCHANGE_ROOT        the shared nbgrader exchange               (default /srv/nbgrader/exchange)
#   ACTIVERING_HUB_DOCENTEN       comma-separated user names of the docenten (default docent)
#   ACTIVERING_HUB_STUDENTEN      comma-separated user names of the students (default none)
#   ACTIVERING_HUB_AUTHENTICATOR  pam (default: the server's own accounts), shared-password (one password
#                                 for everyone, a demo or the test only; needs ACTIVERING_HUB_WACHTWOORD), or any
#                                 JupyterHub authenticator by name or import path. A hogeschool uses its
#                                 single sign-on: SURFconext via OpenID Connect
#                                 (pip install oauthenticator; "generic-oauth", with the
#                                 c.GenericOAuthenticator.* settings in ACTIVERING_HUB_EXTRA_CONFIG), or the
#                                 LMS via LTI 1.3 ("lti13": jupyterhub-ltiauthenticator, in the course's
#                                 environment; needs the ACTIVERING_LTI_* settings below).
#   ACTIVERING_HUB_SPAWNER        local (default: one system account per user), simple (every home under
#                                 ACTIVERING_HUB_HOMES/<user>, default /tmp/activering-hub/homes; all servers
#                                 under the hub's own account: tests and demos only, no isolation between
#                                 users), or an import path.
#   ACTIVERING_HUB_PYTHON         optional: the Python the servers run with (default: the hub's own environment)
#   ACTIVERING_HUB_SYSTEEMACCOUNTS  "aanmaken": create a missing system account at the first start (local spawner)
#   ACTIVERING_HUB_ADMINS         comma-separated hub admins (default none: docenten have the docent role)
#   ACTIVERING_HUB_BEHEER_TOKEN   optional API token of a "beheer" service with admin rights (scripts, the test)
#   ACTIVERING_HUB_EXTRA_CONFIG   optional Python config file of your own, loaded last: client ids and
#                                 secrets of the authenticator, TLS certificates. Keep it out of git.
#
#   ACTIVERING_LTI_ISSUER         with lti13: the LMS's issuer (platform id)
#   ACTIVERING_LTI_CLIENT_ID      with lti13: the client id(s) the LMS gave this tool (comma-separated)
#   ACTIVERING_LTI_LOGIN_URL      with lti13: the LMS's authorization (OIDC authentication request) endpoint
#   ACTIVERING_LTI_JWKS_URL       with lti13: the LMS's public keys (JWKS)
#   ACTIVERING_LTI_GEBRUIKERSNAAM with lti13: the id_token claim that becomes the hub name (default email;
#                                 custom_<name> for a custom parameter of the LMS)
#   ACTIVERING_LTI_CONTEXT        with lti13, optional: only launches from this LMS course (context id)
#
# The course id comes from grading/config.yml (cursus), or ACTIVERING_CURSUS.
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _course_id() -> str:
    if os.environ.get("ACTIVERING_CURSUS"):
        return os.environ["ACTIVERING_CURSUS"]
    import yaml

    return yaml.safe_load((REPO / "grading" / "config.yml").read_text(encoding="utf-8"))["cursus"]


COURSE_ID = _course_id()
STATE = Path(os.environ.get("ACTIVERING_HUB_STATE", "/srv/jupyterhub"))
EXCHANGE = os.environ.get("NBGRADER_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
LTI_SETTINGS = (
    "ACTIVERING_LTI_ISSUER",
    "ACTIVERING_LTI_CLIENT_ID",
    "ACTIVERING_LTI_LOGIN_URL",
    "ACTIVERING_LTI_JWKS_URL",
)
DOCENTEN = _env_list("ACTIVERING_HUB_DOCENTEN", "docent")
STUDENTEN = _env_list("ACTIVERING_HUB_STUDENTEN")
# nbgrader's naming: formgrade-<course> are the graders, nbgrader-<course> the enrolled students
# (nbgrader's JupyterHubAuthPlugin reads these groups if you switch it on for several courses).
DOCENT_GROUP = f"formgrade-{COURSE_ID}"
STUDENT_GROUP = f"nbgrader-{COURSE_ID}"

# --- network and state -----------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("ACTIVERING_HUB_URL", "http://127.0.0.1:8000")
STATE.mkdir(parents=True, exist_ok=True)
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
# configurable-http-proxy from npm, installed by `make hub-proxy` next to this file.
_proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
if _proxy.exists():
    c.ConfigurableHTTPProxy.command = [str(_proxy)]

# --- who may log in --------------------------------------------------------------------------
LTI13 = "ltiauthenticator.lti13.auth.LTI13Authenticator"
_authenticator = os.environ.get("ACTIVERING_HUB_AUTHENTICATOR", "pam")
if _authenticator == "lti13":
    _authenticator = LTI13
c.JupyterHub.authenticator_class = _authenticator
if _authenticator == "shared-password":
    _password = os.environ.get("ACTIVERING_HUB_WACHTWOORD", "")
    if len(_password) < 8:
        sys.exit("ACTIVERING_HUB_AUTHENTICATOR=shared-password needs ACTIVERING_HUB_WACHTWOORD (8 characters or more)")
    c.SharedPasswordAuthenticator.user_password = _password
if _authenticator == LTI13:
    # Launch from the LMS (LTI 1.3): the settings the LMS shows when the tool is registered.
    # See README.md in this folder for Brightspace, Canvas and Moodle.
    _missing = [name for name in LTI_SETTINGS if not os.environ.get(name)]
    if _missing:
        sys.exit(
            f"ACTIVERING_HUB_AUTHENTICATOR=lti13: stel ook {', '.join(_missing)} in (zie grading/jupyterhub/README.md)"
        )
    c.LTI13Authenticator.issuer = os.environ["ACTIVERING_LTI_ISSUER"]
    c.LTI13Authenticator.client_id = set(_env_list("ACTIVERING_LTI_CLIENT_ID"))
    c.LTI13Authenticator.authorize_url = os.environ["ACTIVERING_LTI_LOGIN_URL"]
    c.LTI13Authenticator.jwks_endpoint = os.environ["ACTIVERING_LTI_JWKS_URL"]
    c.LTI13Authenticator.username_key = os.environ.get("ACTIVERING_LTI_GEBRUIKERSNAAM", "email")
    c.LTI13Authenticator.tool_name = "Vakmanschap in activeringswerk"
    # The roles claim → docent or student group, the same file as hub.extraConfig on Kubernetes.
    os.environ["ACTIVERING_CURSUS"] = COURSE_ID
    load_subconfig(str(HERE / "lti_rollen.py"))  # noqa: F821 (provided by traitlets)
    if not c.JupyterHub.bind_url.startswith("http://127.0.0.1"):
        # The LMS posts the launch from its own site: the hub's state cookies must travel cross-site.
        c.JupyterHub.tornado_settings = {"cookie_options": {"samesite": "None", "secure": True}}
else:
    c.Authenticator.allowed_users = set(DOCENTEN) | set(STUDENTEN)
# Nobody is a hub admin by default; docenten get the rights they need through the role below.
c.Authenticator.admin_users = set(_env_list("ACTIVERING_HUB_ADMINS"))

# --- groups and roles ------------------------------------------------------------------------
if _authenticator != LTI13:  # with LTI the launch from the LMS sets the groups (lti_rollen.py)
    c.JupyterHub.load_groups = {DOCENT_GROUP: {"users": DOCENTEN}, STUDENT_GROUP: {"users": STUDENTEN}}
c.JupyterHub.load_roles = [
    {
        "name": "docent",
        "description": "Docent: sees the students of the course in the admin page, starts and stops their servers",
        "groups": [DOCENT_GROUP],
        "scopes": [
            "admin-ui",
            f"list:users!group={STUDENT_GROUP}",
            f"read:users!group={STUDENT_GROUP}",
            f"servers!group={STUDENT_GROUP}",
            f"read:groups!group={STUDENT_GROUP}",
            f"groups!group={STUDENT_GROUP}",
            # Add f"access:servers!group={STUDENT_GROUP}" to let docenten open a student's server
            # (helping someone live); left out on purpose: a student's work is their own.
        ],
    },
]
_beheer_token = os.environ.get("ACTIVERING_HUB_BEHEER_TOKEN")
if _beheer_token:
    c.JupyterHub.services = [{"name": "beheer", "api_token": _beheer_token}]
    c.JupyterHub.load_roles.append(
        {
            "name": "beheer",
            "services": ["beheer"],
            "scopes": ["admin:users", "admin:servers", "tokens", "admin:groups", "read:roles"],
        }
    )

# --- the single-user servers -----------------------------------------------------------------
_spawner = os.environ.get("ACTIVERING_HUB_SPAWNER", "local")
c.JupyterHub.spawner_class = {
    "local": "jupyterhub.spawner.LocalProcessSpawner",
    "simple": "jupyterhub.spawner.SimpleLocalProcessSpawner",
}.get(_spawner, _spawner)
if _spawner in ("local", "simple"):
    # The servers run from the same environment as the hub (the course's uv environment), or with
    # ACTIVERING_HUB_PYTHON: an interpreter every user may run that sees the same packages.
    if os.environ.get("ACTIVERING_HUB_PYTHON"):
        c.Spawner.cmd = [os.environ["ACTIVERING_HUB_PYTHON"], "-m", "jupyterhub.singleuser"]
    else:
        c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
if _spawner == "local":
    # One system account per user: the kernel protects each student's work (README.md, "Studenten van
    # elkaar gescheiden"). The home is closed to others before every start; with
    # ACTIVERING_HUB_SYSTEEMACCOUNTS=aanmaken a missing account is created (names from the LMS).
    def _private_home(spawner) -> None:
        import pwd
        import subprocess

        name = spawner.user.name
        try:
            home = pwd.getpwnam(name).pw_dir
        except KeyError:
            if os.environ.get("ACTIVERING_HUB_SYSTEEMACCOUNTS") != "aanmaken":
                raise RuntimeError(
                    f"Geen systeemaccount '{name}': maak het aan (useradd) of zet ACTIVERING_HUB_SYSTEEMACCOUNTS=aanmaken"
                ) from None
            subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/bin/bash", name], check=True)
            home = pwd.getpwnam(name).pw_dir
        if os.getuid() == 0 and os.path.isdir(home):
            os.chmod(home, 0o700)

    c.Spawner.pre_spawn_hook = _private_home
if _spawner == "simple":
    c.SimpleLocalProcessSpawner.home_dir_template = (
        os.environ.get("ACTIVERING_HUB_HOMES", "/tmp/activering-hub/homes") + "/{username}"
    )
    if os.getuid() == 0:
        # All servers run under the hub's account; as root Jupyter Server wants explicit consent.
        c.Spawner.args = ["--allow-root"]


def _role(spawner) -> str:
    groups = {group.name for group in spawner.user.groups}
    return "docent" if spawner.user.name in DOCENTEN or DOCENT_GROUP in groups else "student"


def _config_path(spawner) -> str:
    # Everyone: nbgrader_config.py of this folder and the course's Lab settings in ../jupyterlab/ (Dutch,
    # no news question, MyST pages open as notebooks; the same files as `make lab`). Students also:
    # student/, which switches off the docent's nbgrader extensions (formgrader, course list, create
    # assignment, the Nbgrader menu). That keeps the student's JupyterLab tidy; it is not a security
    # boundary (the gradebook and the course's source with solutions live in the docent's home, not on
    # the student's server).
    folders = [HERE, REPO / "grading" / "jupyterlab"]
    if _role(spawner) != "docent":
        folders.insert(0, HERE / "student")
    return os.pathsep.join(str(folder) for folder in folders)


c.Spawner.environment = {
    "ACTIVERING_EIGEN_UID": "1" if _spawner == "local" else "0",
    "ACTIVERING_ROL": _role,
    "NBGRADER_EXCHANGE_ROOT": EXCHANGE,
    "JUPYTER_CONFIG_PATH": _config_path,
}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# Stop everything when the hub stops (the default, made explicit): no servers left behind.
c.JupyterHub.cleanup_servers = True

# The exchange must exist and be writable for everyone (nbgrader: "chmod ugo+rw"), with the sticky bit
# (as /tmp) so nobody removes a folder that isn't theirs. Students drop their submissions in inbound/,
# which nbgrader creates write-only; activering.grading.hub_exchange adds the sticky bit there too.
try:
    Path(EXCHANGE).mkdir(parents=True, exist_ok=True)
    os.chmod(EXCHANGE, 0o1777)
except PermissionError:
    pass  # created by the server's administrator instead

# Site-specific settings (authenticator secrets, TLS) from a file outside the repository.
if os.environ.get("ACTIVERING_HUB_EXTRA_CONFIG"):
    load_subconfig(os.environ["ACTIVERING_HUB_EXTRA_CONFIG"])  # noqa: F821 (provided by traitlets)
