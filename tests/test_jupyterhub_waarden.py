"""The Kubernetes values (grading/jupyterhub/z2jh-values.yaml) checked as far as this machine allows.

No Helm and no chart can be installed here, so the test does what ``helm install`` does with values
before it renders templates: it merges the chart's defaults (values.yaml of chart 4.4.0) with ours and
with the files given by ``--set-file``, and validates the result against the chart's values.schema.json
(both stored in tests/fixtures/z2jh/, see BRON.md there). Then it checks what the book promises: the
same LMS login and the same exchange isolation as the local set-up, resources per student, idle culling,
no container as root, and the exchange where nbgrader_config.py looks for it. The hub's extraConfig is
run as z2jh runs it (its ``get_config`` is the chart's own values reader, not traitlets').
"""

from __future__ import annotations

import copy
import importlib.metadata
import json
import re
from types import SimpleNamespace

import jsonschema
import pytest
import yaml
from traitlets.config import Config

from activering.grading.config import Course
from activering.paths import REPO_ROOT
from test_jupyterhub import HUB_DIR, hub_config, load_config

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "z2jh"
CHART_VERSION = "4.4.0"
# The hub image of chart 4.4.0 (images/hub/requirements.txt, see BRON.md) carries this ltiauthenticator.
HUB_IMAGE_LTIAUTHENTICATOR = "1.6.3"
LTI13 = "ltiauthenticator.lti13.auth.LTI13Authenticator"
VALUES = HUB_DIR / "z2jh-values.yaml"


def _merge(base, override):
    """Helm's coalescing of values: maps merge key by key, anything else replaces, null removes."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return copy.deepcopy(override)
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = _merge(merged.get(key), value)
    return merged


def set_files(text: str) -> dict[str, str]:
    """The ``--set-file key=path`` arguments of an install command in `text`."""
    return dict(re.findall(r"--set-file ([\w.-]+)=([\w./-]+)", text))


def rendered_values(ours: dict | None = None) -> dict:
    """The values the chart's templates would see: defaults ⊕ z2jh-values.yaml ⊕ --set-file."""
    defaults = yaml.safe_load((FIXTURES / f"values-{CHART_VERSION}.yaml").read_text(encoding="utf-8"))
    if ours is None:
        ours = yaml.safe_load(VALUES.read_text(encoding="utf-8"))
    merged = _merge(defaults, ours)
    for key, path in set_files(VALUES.read_text(encoding="utf-8")).items():
        *parents, last = key.split(".")
        node = merged
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = (REPO_ROOT / path).read_text(encoding="utf-8")
    return merged


def schema_errors(values: dict) -> list[str]:
    schema = json.loads((FIXTURES / f"values.schema-{CHART_VERSION}.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(values)]


def run_extra_config(values: dict) -> Config:
    """hub.extraConfig as z2jh's jupyterhub_config.py runs it: in key order, with `c` and z2jh's get_config."""
    c = Config()

    def z2jh_get_config(key, default=None):  # z2jh's signature: a key into the chart's values
        node = values
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return default if node is None else node

    namespace = {"c": c, "get_config": z2jh_get_config}
    for name, code in sorted(values["hub"]["extraConfig"].items()):
        exec(compile(code, name, "exec"), namespace)
    return c


# --- the chart's own rules ------------------------------------------------------------------------


def test_values_pass_the_chart_schema():
    values = rendered_values()
    assert schema_errors(values) == []
    # The check can fail: a misspelt key or a wrong type is refused, as helm would.
    ours = yaml.safe_load(VALUES.read_text(encoding="utf-8"))
    ours["singleuser"]["cpu"]["limt"] = 1
    ours["cull"]["timeout"] = "een uur"
    errors = schema_errors(rendered_values(ours))
    assert any("limt" in e for e in errors) and any(e.startswith("cull.timeout") for e in errors), errors


def test_chart_version_and_hub_image_agree():
    readme = (HUB_DIR / "README.md").read_text(encoding="utf-8")
    assert f"--version {CHART_VERSION}" in readme
    assert f"version {CHART_VERSION}" in VALUES.read_text(encoding="utf-8")
    # The LTI authenticator tested here is the one in the chart's hub image.
    assert importlib.metadata.version("jupyterhub-ltiauthenticator") == HUB_IMAGE_LTIAUTHENTICATOR
    # The README's install command gives the same files as the values' own comment.
    assert set_files(readme) == set_files(VALUES.read_text(encoding="utf-8"))
    for path in set_files(readme).values():
        assert (REPO_ROOT / path).is_file(), path


# --- what the book promises -----------------------------------------------------------------------


def test_no_container_runs_as_root():
    values = rendered_values()
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("runAsUser", "uid") and value is not None:
                    found.append((f"{path}.{key}", value))
                if key == "privileged" or key == "allowPrivilegeEscalation":
                    assert value is False, f"{path}.{key}: {value}"
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{path}[{index}]")

    walk(values, "")
    assert found and all(value != 0 for _, value in found), [f for f in found if f[1] == 0]
    assert values["singleuser"]["initContainers"] == [] and values["singleuser"]["extraContainers"] == []
    assert values["hub"]["containerSecurityContext"]["allowPrivilegeEscalation"] is False

    # Every user's pod: a uid of their own (the pre-spawn hook), never 0; docenten share the group.
    config = run_extra_config(values)
    hook = config.KubeSpawner.pre_spawn_hook
    course = Course.default().config.cursus
    spawners = {}
    for user_id, name, group in ((1, "docent", f"formgrade-{course}"), (2, "s1", f"nbgrader-{course}"), (3, "s2", "")):
        user = SimpleNamespace(id=user_id, name=name, groups=[SimpleNamespace(name=group)])
        spawners[name] = SimpleNamespace(user=user, uid=values["singleuser"]["uid"], gid=None, fs_gid=100)
        hook(spawners[name])
    uids = [s.uid for s in spawners.values()]
    assert len(set(uids)) == 3 and min(uids) >= 1000, uids
    assert spawners["s1"].gid == spawners["s1"].uid != spawners["docent"].gid == spawners["docent"].fs_gid


def test_resources_per_student():
    single = rendered_values()["singleuser"]

    def number(value) -> float:
        units = {"K": 1e3, "M": 1e6, "G": 1e9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
        found = re.fullmatch(r"([\d.]+)([KMG]i?)?", str(value))
        assert found, value
        return float(found[1]) * units.get(found[2] or "", 1)

    for kind in ("cpu", "memory"):
        assert single[kind]["guarantee"] and single[kind]["limit"], kind
        assert number(single[kind]["guarantee"]) <= number(single[kind]["limit"]), kind
    # The docent grades inside their own pod: the sandbox's memory per notebook fits within the limit.
    assert Course.default().config.nakijken.geheugenlimiet_mb * 1e6 < number(single["memory"]["limit"])


def test_idle_servers_are_culled():
    cull = rendered_values()["cull"]
    assert cull["enabled"] is True
    assert 0 < cull["every"] <= cull["timeout"] <= 4 * 3600
    assert cull["users"] is False  # the server stops, the student's account and volume stay


def test_exchange_where_nbgrader_looks_and_closed_per_student(tmp_path):
    values = rendered_values()
    single = values["singleuser"]
    nbgrader = load_config("nbgrader_config.py")
    root = nbgrader.Exchange.root
    assert {m["mountPath"] for m in single["storage"]["extraVolumeMounts"]} == {root}
    assert single["extraEnv"]["NBGRADER_EXCHANGE_ROOT"] == root
    # The nbgrader config reaches every pod, in a folder on each role's JUPYTER_CONFIG_PATH.
    files = single["extraFiles"]
    assert files["nbgrader-config"]["stringData"] == (HUB_DIR / "nbgrader_config.py").read_text(encoding="utf-8")
    config = run_extra_config(values)
    course = Course.default().config.cursus
    mount = files["nbgrader-config"]["mountPath"].rsplit("/", 1)[0]
    for group in (f"formgrade-{course}", f"nbgrader-{course}"):
        spawner = SimpleNamespace(user=SimpleNamespace(groups=[SimpleNamespace(name=group)]))
        environment = config.KubeSpawner.environment.get_value({})  # the extraConfig's .update() on the chart's
        assert mount in environment["JUPYTER_CONFIG_PATH"](spawner).split(":")
    # The same isolation as the local set-up: it lives in nbgrader_config.py, which both use.
    assert nbgrader.ExchangeFactory.submit == "activering.grading.hub_exchange.PrivateSubmit"
    assert nbgrader.ExchangeFactory.release_feedback.endswith("PrivateReleaseFeedback")


def test_lms_login_like_the_local_set_up(tmp_path):
    values = rendered_values()
    local = hub_config(
        tmp_path,
        ACTIVERING_HUB_URL="https://jupyter.hogeschool.example",
        ACTIVERING_HUB_AUTHENTICATOR="lti13",
        ACTIVERING_LTI_ISSUER="https://lms.example",
        ACTIVERING_LTI_CLIENT_ID="tool",
        ACTIVERING_LTI_LOGIN_URL="https://lms.example/auth",
        ACTIVERING_LTI_JWKS_URL="https://lms.example/jwks",
    )
    k8s = values["hub"]["config"]
    assert k8s["JupyterHub"]["authenticator_class"] == local.JupyterHub.authenticator_class == LTI13
    assert set(k8s["LTI13Authenticator"]) == set(local.LTI13Authenticator)
    assert all(k8s["LTI13Authenticator"][key] for key in ("issuer", "client_id", "authorize_url", "jwks_endpoint"))
    cookies = local.JupyterHub.tornado_settings["cookie_options"]
    assert k8s["JupyterHub"]["tornado_settings"]["cookie_options"] == cookies == {"samesite": "None", "secure": True}
    assert k8s["JupyterHub"]["tornado_settings"]["slow_spawn_timeout"] == 0  # z2jh's own, kept
    # Groups come from the launch in both: no fixed groups (JupyterHub refuses both at once).
    assert "load_groups" not in k8s["JupyterHub"] and "load_groups" not in local.JupyterHub
    assert values["hub"]["extraEnv"]["ACTIVERING_CURSUS"] == Course.default().config.cursus
    # lti_rollen.py runs as extraConfig (z2jh's namespace) and gives the same role hook as locally.
    config = run_extra_config(values)
    assert config.Authenticator.manage_groups is True and local.Authenticator.manage_groups is True
    learner = {
        "https://purl.imsglobal.org/spec/lti/claim/roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
    }
    for hook in (config.Authenticator.post_auth_hook, local.Authenticator.post_auth_hook):
        result = hook(SimpleNamespace(log=None), None, {"name": "s1", "auth_state": learner})
        assert result["groups"] == [f"nbgrader-{Course.default().config.cursus}"]
    # The docent role is the same in both (scopes limited to the course's students).
    local_role = next(r for r in local.JupyterHub.load_roles if r["name"] == "docent")
    assert values["hub"]["loadRoles"]["docent"]["scopes"] == local_role["scopes"]


@pytest.mark.parametrize("key", ["issuer", "client_id", "authorize_url", "jwks_endpoint", "username_key"])
def test_lti_keys_exist_in_the_authenticator(key):
    from ltiauthenticator.lti13.auth import LTI13Authenticator

    assert key in LTI13Authenticator.class_own_traits() or LTI13Authenticator.class_traits(config=True).get(key)


def test_book_explains_the_three_ways_and_installs_the_same():
    book = (REPO_ROOT / "book" / "voor-docenten.md").read_text(encoding="utf-8")
    section = book.split("## Een hele klas op JupyterHub", 1)[1].split("\n## ", 1)[0]
    for needed in ("één server voor een kleine groep", "JupyterHub op één VM", "Kubernetes", "LTI 1.3", "eigen uid"):
        assert needed in section, needed
    # The book's helm command passes the same files as the README and the values file.
    assert set_files(section) == set_files(VALUES.read_text(encoding="utf-8"))
    assert f"--version {CHART_VERSION}" in section
