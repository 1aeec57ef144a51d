"""Sign-in for a team deployment: Streamlit's own ``st.login`` (OpenID Connect).

With an ``[auth]`` section in ``.streamlit/secrets.toml`` every visitor signs in first,
and the shortlist store is scoped to them; without one the app runs as before, for one
local user (owner ``""``). See README, "Deploying for a team".
"""

from __future__ import annotations

import streamlit as st

from compare.i18n import _

LOCAL_USER = ""


def configured() -> bool:
    """Whether sign-in is set up: an ``[auth]`` section in the app's secrets."""
    try:
        return st.secrets.load_if_toml_exists() and "auth" in st.secrets
    except Exception:  # a malformed secrets file: Streamlit reports it; run as one local user
        return False


def owner_id(user) -> str:
    """A stable id for a signed-in user: the issuer and its subject (an e-mail can change hands)."""
    return f"{user.get('iss', '')}|{user.get('sub', '')}"


def display_name(user) -> str:
    return str(user.get("email") or user.get("name") or user.get("sub") or _("signed in"))


def require_user() -> str:
    """The owner whose shortlists this session may see; stops the run at a sign-in page if needed."""
    if not configured():
        return LOCAL_USER
    if not st.user.get("is_logged_in", False):  # absent before Streamlit has read the auth settings
        st.title(_("Spinal fusion abroad"))
        st.write(
            _(
                "This deployment is shared by a team, and saved shortlists hold clients' health information. "
                "Sign in to continue; you will see only your own shortlists."
            )
        )
        st.button(_("Sign in"), type="primary", icon=":material/login:", on_click=st.login, key="auth_login")
        st.stop()
    if not user_is_complete(st.user):
        st.error(_("Your sign-in did not say who you are (no subject); sign out and try again."))
        st.button(_("Sign out"), on_click=st.logout, key="auth_logout_incomplete")
        st.stop()
    with st.sidebar:
        st.caption(_("Signed in as **{name}**").format(name=display_name(st.user)))
        st.button(_("Sign out"), icon=":material/logout:", on_click=st.logout, key="auth_logout")
    return owner_id(st.user)


def user_is_complete(user) -> bool:
    return bool(user.get("sub"))
