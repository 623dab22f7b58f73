"""Logging in from the LMS: an LTI 1.3 launch into the course's JupyterHub, on 127.0.0.1.

The test plays the LMS (the LTI "platform"): it makes an RSA key pair, serves the public key as a JWKS
on 127.0.0.1 and runs the launch as a browser and the LMS would, against a real JupyterHub started from
``grading/jupyterhub/jupyterhub_config.py`` with ``ACTIVERING_HUB_AUTHENTICATOR=lti13``:

1. OIDC login initiation: the LMS sends the browser to the hub's ``/hub/lti13/oauth_login``;
2. the hub answers with the authentication request (a redirect to the LMS's login URL, with state and nonce);
3. the LMS posts a signed ``id_token`` to the hub's ``/hub/lti13/oauth_callback``.

A student and a docent land in their own server with the course's role (the LTI roles claim → the hub
group → the formgrader or not). A token signed with another key, an expired token, a token for another
client id, a launch without a course role and one from another LMS course are all refused.
"""

from __future__ import annotations

import base64
import http.server
import json
import threading
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from activering.grading.config import Course
from test_jupyterhub import PROXY, Hub, load_config

ISSUER = "https://lms.hogeschool.example"
CLIENT_ID = "activering-tool-7"
DEPLOYMENT = "deployment-1"
CONTEXT = "cursus-2026-vakmanschap"
KID = "lms-sleutel-1"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
LEARNER = f"{MEMBERSHIP}#Learner"
INSTRUCTOR = f"{MEMBERSHIP}#Instructor"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class Lms:
    """The platform: a key pair, its JWKS on 127.0.0.1, and signed id_tokens."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = self.key.public_key().public_numbers()
        jwks = {
            "keys": [
                {"kty": "RSA", "kid": KID, "use": "sig", "alg": "RS256", "n": _b64(numbers.n), "e": _b64(numbers.e)}
            ]
        }
        body = json.dumps(jwks).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                if self.path != "/jwks":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def hub_env(self) -> dict[str, str | None]:
        return {
            "ACTIVERING_HUB_AUTHENTICATOR": "lti13",
            "ACTIVERING_HUB_WACHTWOORD": None,
            "ACTIVERING_LTI_ISSUER": ISSUER,
            "ACTIVERING_LTI_CLIENT_ID": CLIENT_ID,
            "ACTIVERING_LTI_LOGIN_URL": f"{self.base}/auth",
            "ACTIVERING_LTI_JWKS_URL": f"{self.base}/jwks",
            "ACTIVERING_LTI_GEBRUIKERSNAAM": "custom_gebruikersnaam",
            "ACTIVERING_LTI_CONTEXT": CONTEXT,
        }

    def id_token(self, user: str, roles: list[str], nonce: str, **changes) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": f"lms-{user}",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "email": f"{user}@hogeschool.example",
            "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
            "https://purl.imsglobal.org/spec/lti/claim/deployment_id": DEPLOYMENT,
            "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiResourceLinkRequest",
            "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": "https://hub.example/hub",
            "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": "link-1"},
            "https://purl.imsglobal.org/spec/lti/claim/roles": roles,
            "https://purl.imsglobal.org/spec/lti/claim/context": {
                "id": CONTEXT,
                "label": "VAK",
                "title": "Vakmanschap in activeringswerk",
            },
            "https://purl.imsglobal.org/spec/lti/claim/custom": {"gebruikersnaam": user},
        }
        key = changes.pop("key", self.key)
        claims.update(changes)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": KID})


def launch(hub: Hub, lms: Lms, user: str, roles: list[str], **changes):
    """The three steps of an LTI 1.3 launch, as the browser sees them: browser, the hub's answer, the form posted."""
    browser = requests.Session()
    # 1. Login initiation: the LMS sends the browser to the tool (a form post).
    init = browser.post(
        f"{hub.url}/hub/lti13/oauth_login",
        data={
            "iss": ISSUER,
            "login_hint": f"lms-{user}",
            "target_link_uri": f"{hub.url}/hub",
            "client_id": CLIENT_ID,
            "lti_message_hint": "bericht-1",
            "lti_deployment_id": DEPLOYMENT,
        },
        allow_redirects=False,
        timeout=60,
    )
    hub.expect(init.status_code == 302, f"login initiation: {init.status_code} {init.text[:500]}")
    # 2. The hub's authentication request to the LMS.
    request = urlparse(init.headers["Location"])
    hub.expect(f"{request.scheme}://{request.netloc}{request.path}" == f"{lms.base}/auth", f"naar {request}")
    query = {key: values[0] for key, values in parse_qs(request.query).items()}
    hub.expect(
        query["response_type"] == "id_token"
        and query["response_mode"] == "form_post"
        and query["scope"] == "openid"
        and query["client_id"] == CLIENT_ID
        and query["login_hint"] == f"lms-{user}"
        and query["lti_message_hint"] == "bericht-1"
        and query["redirect_uri"] == f"{hub.url}/hub/lti13/oauth_callback",
        f"authenticatieverzoek: {query}",
    )
    # 3. The LMS posts the signed id_token back (form_post).
    token = lms.id_token(user, roles, query["nonce"], **changes)
    form = {"id_token": token, "state": query["state"]}
    answer = browser.post(query["redirect_uri"], data=form, allow_redirects=False, timeout=60)
    return browser, answer, form


def _exists(hub: Hub, user: str) -> bool:
    return hub.api("GET", f"/users/{user}").status_code == 200


def test_lti_settings_are_required(tmp_path):
    """Without the LMS's settings the hub does not start, and says in Dutch what is missing."""
    with pytest.raises(SystemExit, match="ACTIVERING_LTI_JWKS_URL"):
        load_config(
            "jupyterhub_config.py",
            ACTIVERING_HUB_STATE=str(tmp_path / "state"),
            NBGRADER_EXCHANGE_ROOT=str(tmp_path / "exchange"),
            ACTIVERING_HUB_AUTHENTICATOR="lti13",
            ACTIVERING_LTI_ISSUER=ISSUER,
            ACTIVERING_LTI_CLIENT_ID=CLIENT_ID,
            ACTIVERING_LTI_LOGIN_URL="https://lms.example/auth",
        )


def test_lti_roles_become_course_groups(tmp_path):
    """The role hook in lti_rollen.py, as the hub loads it: course roles only, from this course only."""
    lms = Lms()
    try:
        config = load_config(
            "jupyterhub_config.py",
            ACTIVERING_HUB_STATE=str(tmp_path / "state"),
            NBGRADER_EXCHANGE_ROOT=str(tmp_path / "exchange"),
            **{k: v for k, v in lms.hub_env.items() if v is not None},
        )
    finally:
        lms.close()
    course = Course.default().config.cursus
    hook = config.Authenticator.post_auth_hook
    assert config.Authenticator.manage_groups and "load_groups" not in config.JupyterHub
    assert config.LTI13Authenticator.client_id == {CLIENT_ID}

    class Log:
        def warning(self, *args):
            pass

    class Authenticator:
        log = Log()

    def groups(roles, context=CONTEXT):
        state = {
            "https://purl.imsglobal.org/spec/lti/claim/roles": roles,
            "https://purl.imsglobal.org/spec/lti/claim/context": {"id": context},
        }
        result = hook(Authenticator(), None, {"name": "x", "auth_state": state})
        return result and result["groups"]

    assert groups([LEARNER]) == [f"nbgrader-{course}"]
    assert groups([INSTRUCTOR, LEARNER]) == [f"formgrade-{course}"]
    assert groups([f"{MEMBERSHIP}/Instructor#TeachingAssistant"]) == [f"formgrade-{course}"]
    assert groups(["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"]) is None
    assert groups([f"{MEMBERSHIP}#Mentor"]) is None
    assert groups([LEARNER], context="andere-cursus") is None


@pytest.mark.slow
def test_launch_from_the_lms(tmp_path):
    assert PROXY.exists(), f"{PROXY} ontbreekt: eerst `make hub-proxy` (npm ci in grading/jupyterhub)"
    course = Course.default().config.cursus
    lms = Lms()
    hub = Hub(tmp_path, env=lms.hub_env)
    try:
        hub.start()
        # The tool's configuration for the LMS (Canvas reads it by URL).
        tool = hub.session.get(f"{hub.url}/hub/lti13/config", timeout=30).json()
        hub.expect(tool["oidc_initiation_url"] == f"{hub.url}/hub/lti13/oauth_login", f"tool-config: {tool}")

        # Refused: the hub answers with an error, logs nobody in and creates no user.
        refused = {
            "ondertekend met een andere sleutel": ("indringer1", [LEARNER], {"key": lms.other_key}),
            "verlopen": ("indringer2", [LEARNER], {"iat": int(time.time()) - 900, "exp": int(time.time()) - 300}),
            "voor een andere tool (audience)": ("indringer3", [LEARNER], {"aud": "andere-tool"}),
            "andere uitgever": ("indringer4", [LEARNER], {"iss": "https://nep-lms.example"}),
            "zonder rol in de cursus": ("indringer5", [f"{MEMBERSHIP}#Mentor"], {}),
            "uit een andere cursus": (
                "indringer6",
                [LEARNER],
                {"https://purl.imsglobal.org/spec/lti/claim/context": {"id": "andere-cursus", "label": "X"}},
            ),
        }
        for what, (user, roles, changes) in refused.items():
            browser, answer, _ = launch(hub, lms, user, roles, **changes)
            hub.expect(answer.status_code in (400, 401, 403), f"{what}: {answer.status_code} {answer.text[:300]}")
            hub.expect("jupyterhub-hub-login" not in browser.cookies, f"{what}: toch ingelogd")
            hub.expect(not _exists(hub, user), f"{what}: gebruiker {user} aangemaakt")
            hub.expect(browser.get(f"{hub.url}/hub/api/user", timeout=30).status_code == 403, f"{what}: sessie")

        # The student and the docent land in their own server, with the course's role.
        landed = {}
        for user, roles in (("student1", [LEARNER]), ("docent1", [INSTRUCTOR])):
            browser, answer, form = launch(hub, lms, user, roles)
            hub.expect(answer.status_code == 302, f"{user}: {answer.status_code} {answer.text[:500]}")
            hub.expect("jupyterhub-hub-login" in browser.cookies, f"{user}: geen hub-sessie")
            whoami = browser.get(f"{hub.url}/hub/api/user", timeout=30).json()
            hub.expect(whoami["name"] == user, f"{user} is ingelogd als {whoami.get('name')}")
            page = browser.get(f"{hub.url}{answer.headers['Location']}", timeout=120)  # spawns the server
            hub.expect(page.status_code == 200, f"{user}: {page.status_code} {page.url}")

            def ready(user=user, browser=browser):
                lab = browser.get(f"{hub.url}/user/{user}/lab", timeout=60)
                return lab.status_code == 200 and "jupyter-config-data" in lab.text

            # Through the hub's OAuth to the single-user server: JupyterLab in the user's own server.
            hub.wait(f"de server van {user} start", ready, 150)
            info = hub.api("GET", f"/users/{user}").json()
            hub.pids[user] = info["servers"][""]["state"]["pid"]
            landed[user] = (browser, set(info["groups"]))
            # A replayed id_token (the same form again: state and nonce are spent) is refused.
            replay = requests.post(
                f"{hub.url}/hub/lti13/oauth_callback",
                data=form,
                cookies=browser.cookies,
                allow_redirects=False,
                timeout=30,
            )
            hub.expect(replay.status_code == 400, f"{user}: herhaalde launch {replay.status_code}")

        hub.expect(landed["student1"][1] == {f"nbgrader-{course}"}, f"groepen student1: {landed['student1'][1]}")
        hub.expect(landed["docent1"][1] == {f"formgrade-{course}"}, f"groepen docent1: {landed['docent1'][1]}")
        student = landed["student1"][0]
        for user in landed:
            response = hub.api("POST", f"/users/{user}/tokens", json={"note": "test", "expires_in": 600})
            hub.tokens[user] = response.json()["token"]
        # The role on the server: the formgrader and the docent's panels only for the docent.
        hub.expect(hub.server("docent1", "GET", "/formgrader/api/status").status_code == 200, "formgrader docent1")
        hub.expect(hub.server("student1", "GET", "/formgrader/api/status").status_code == 404, "formgrader student1")
        panels = {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"}
        hub.expect(panels <= hub.disabled_lab_plugins("student1"), "docentpanelen bij student1")
        hub.expect(not panels & hub.disabled_lab_plugins("docent1"), "geen docentpanelen bij docent1")
        # The student cannot open the docent's server with their LMS session.
        other = student.get(f"{hub.url}/user/docent1/lab", timeout=60)
        hub.expect(other.status_code == 403, f"student1 opent de server van docent1: {other.status_code} {other.url}")
        # The docent role sees the course's students (its scopes are limited to the student group).
        seen = requests.get(
            f"{hub.url}/hub/api/users", headers={"Authorization": f"token {hub.tokens['docent1']}"}, timeout=30
        )
        hub.expect({u["name"] for u in seen.json()} - {"docent1"} == {"student1"}, f"docent1 ziet: {seen.text[:300]}")
    finally:
        hub.stop()
        lms.close()
