# LTI 1.3 launch from the LMS: the course role in the launch decides the hub group.
#
# One file for both set-ups, so they cannot drift apart:
#   - local / one VM: jupyterhub_config.py loads it when ACTIVERING_HUB_AUTHENTICATOR=lti13;
#   - Kubernetes: hub.extraConfig, `helm --set-file hub.extraConfig.20-activering-lti=grading/jupyterhub/lti_rollen.py`
#     (z2jh-values.yaml; tests/test_jupyterhub_waarden.py checks both).
#
# The LMS signs an id_token (checked by jupyterhub-ltiauthenticator: signature against the LMS's JWKS,
# issuer, audience = our client id, expiry, nonce). Its roles claim says what the user is *in this
# course*: Instructor / TeachingAssistant → docent (group formgrade-<course>), Learner → student (group
# nbgrader-<course>). Anybody else (a mentor, an observer, an institution-wide "instructor" without a
# course role) is refused. With ACTIVERING_LTI_CONTEXT set, only launches from that LMS course get in.
import os

# `c` is the hub's configuration in both: traitlets' load_subconfig and z2jh's extraConfig provide it
# (in z2jh, get_config is the chart's own values reader, so this file must not call it).
c = c  # noqa: F821, PLW0127

ACTIVERING_COURSE_ID = os.environ.get("ACTIVERING_CURSUS") or "vakmanschap-activering"
ACTIVERING_DOCENT_GROUP = f"formgrade-{ACTIVERING_COURSE_ID}"
ACTIVERING_STUDENT_GROUP = f"nbgrader-{ACTIVERING_COURSE_ID}"
ACTIVERING_LTI_CONTEXT = os.environ.get("ACTIVERING_LTI_CONTEXT", "")

LTI_ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"
LTI_CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
# Context (course) roles only: institution roles (…/institution/person#Instructor) say nothing about this course.
LTI_DOCENT_ROLES = {
    f"{_MEMBERSHIP}#Instructor",
    f"{_MEMBERSHIP}#Administrator",
    f"{_MEMBERSHIP}/Instructor#TeachingAssistant",
    "Instructor",  # the short form the LTI 1.3 spec still allows
}
LTI_STUDENT_ROLES = {f"{_MEMBERSHIP}#Learner", "Learner"}


def activering_lti_groups(auth_state: dict) -> list[str] | None:
    """The hub groups for a verified id_token; None when the launch gives no place in this course."""
    if ACTIVERING_LTI_CONTEXT:
        context = (auth_state.get(LTI_CONTEXT_CLAIM) or {}).get("id")
        if context != ACTIVERING_LTI_CONTEXT:
            return None
    roles = set(auth_state.get(LTI_ROLES_CLAIM) or [])
    if roles & LTI_DOCENT_ROLES:
        return [ACTIVERING_DOCENT_GROUP]
    if roles & LTI_STUDENT_ROLES:
        return [ACTIVERING_STUDENT_GROUP]
    return None


def activering_lti_post_auth_hook(authenticator, handler, authentication):
    groups = activering_lti_groups(authentication.get("auth_state") or {})
    if groups is None:
        authenticator.log.warning(
            "LTI-launch geweigerd voor %s: geen docent- of studentrol in deze cursus", authentication.get("name")
        )
        return None  # the hub answers 403
    authentication["groups"] = groups
    return authentication


# The groups come from the LMS at every launch (no fixed lists: load_groups stays empty).
c.Authenticator.manage_groups = True
c.Authenticator.post_auth_hook = activering_lti_post_auth_hook
# Who may enter is decided by the LMS's signature and the role check above, not by a list of names.
c.Authenticator.allow_all = True
