"""Sign-in: the gate in app.py, the owner id, and the example secrets file (the journey is in tests/browser)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

from app_pages import auth

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / ".streamlit" / "secrets.toml.example"


def test_with_auth_configured_nothing_shows_before_sign_in(tmp_path, monkeypatch):
    monkeypatch.setenv("SPINE_SHORTLISTS_DB", str(tmp_path / "shortlists.sqlite3"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))["auth"]
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    text = " ".join(m.value for m in at.markdown)
    assert "Sign in to continue" in text and "Options shown" not in text
    # No ranking and no scenario controls: only the language, so the sign-in page can be read.
    assert not at.dataframe and [w.key for w in at.sidebar.selectbox] == ["lang"]


def test_without_auth_the_app_is_one_local_users():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and at.session_state["_owner"] == auth.LOCAL_USER
    assert "Sign in" not in [b.label for b in at.button]


def test_the_owner_is_the_provider_and_its_subject():
    user = {"iss": "https://id.example", "sub": "248289761001", "email": "a@example.org"}
    assert auth.owner_id(user) == "https://id.example|248289761001"
    assert auth.owner_id({**user, "iss": "https://other.example"}) != auth.owner_id(user)
    assert auth.display_name(user) == "a@example.org" and auth.display_name({"sub": "x"}) == "x"


def test_the_example_secrets_file_has_what_st_login_needs():
    example = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))["auth"]
    needed = {"redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"}
    assert needed <= set(example)
    assert example["redirect_uri"].endswith("/oauth2callback")
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
