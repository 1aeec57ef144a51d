"""A team deployment: sign-in through a real OpenID Connect provider, shortlists in PostgreSQL.

The provider is ``oidc-provider-mock`` (a real OIDC server on loopback whose login page
asks for a subject); the app is ``streamlit run app.py`` with an ``[auth]`` secrets file
and ``SPINE_DATABASE_URL`` pointing at the test PostgreSQL server. Two people sign in
in separate browser contexts (separate cookies) and each sees only their own shortlists,
whatever name they put in the URL.
"""

from __future__ import annotations

import re
import secrets

import pytest
from conftest import TIMEOUT, Ui, running_app
from playwright.sync_api import Browser, expect

from compare.scenario import Scenario
from compare.shortlists import ShortlistStore


@pytest.fixture(scope="module")
def oidc_provider():
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def team_app(tmp_path_factory, oidc_provider, postgres_server):
    tmp = tmp_path_factory.mktemp("team")
    database = postgres_server.new_database()
    secrets_file = tmp / "secrets.toml"
    # The redirect URI needs the app's port, known only once it runs: the file is written
    # with a placeholder port first and the app reads secrets when a login starts.
    with running_app(tmp, {"SPINE_DATABASE_URL": database}, ["--secrets.files", str(secrets_file)]) as server:
        secrets_file.write_text(
            "[auth]\n"
            f'redirect_uri = "{server["url"]}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            'client_id = "spine-compare-tests"\n'
            f'client_secret = "{secrets.token_hex(16)}"\n'
            f'server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        yield {**server, "database": database, "issuer": oidc_provider}


def sign_in(browser: Browser, app: dict, subject: str) -> Ui:
    """A new person (own browser context, own cookies) signs in through the provider's page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    ui = Ui(page, app["url"])
    ui.goto("/", expect_text="Sign in to continue")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(subject)  # the provider's own login form
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_text("Options shown").first).to_be_visible(timeout=60_000)
    ui.idle()
    expect(ui.sidebar.get_by_text(f"Signed in as {subject}")).to_be_visible()
    return ui


def test_two_people_each_see_only_their_own_shortlists(browser: Browser, team_app):
    issuer, database = team_app["issuer"], team_app["database"]
    shared = ShortlistStore(database)
    alice = shared.for_owner(f"{issuer}|alice")
    bob = shared.for_owner(f"{issuer}|bob")
    alice.create("Garcia, L5-S1", Scenario(), ["in-apollo-greams-road-chennai"], client="M. Garcia")
    alice.set_note("Garcia, L5-S1", "in-apollo-greams-road-chennai", "diabetic; asks about hydrotherapy")
    bob.create("Okafor, L4-L5", Scenario(), ["th-bumrungrad"], client="C. Okafor")
    shared.create("local only", Scenario())  # the single local user's: nobody signed in sees it

    a = sign_in(browser, team_app, "alice")
    a.nav("Shortlists", "Only you can see")
    expect(a.combobox("Shortlist")).to_have_value("Garcia, L5-S1 — M. Garcia")
    a.combobox("Shortlist").click()
    options = a.page.get_by_role("option").all_inner_texts()
    assert options == ["Garcia, L5-S1 — M. Garcia"], options
    a.page.keyboard.press("Escape")

    b = sign_in(browser, team_app, "bob")
    # Bob asks for Alice's shortlist by name in the URL: he gets his own list, never hers.
    b.goto("/shortlists?shortlist=Garcia%2C%20L5-S1", expect_text="Only you can see")
    expect(b.combobox("Shortlist")).to_have_value("Okafor, L4-L5 — C. Okafor")
    body = b.page.locator("body").inner_text()
    assert "Garcia" not in body and "diabetic" not in body and "local only" not in body

    # Alice saves a new shortlist from the Compare page: it is hers alone.
    a.nav("Compare", "Options shown")
    a.select_rows([0])
    a.page.get_by_role("button", name=re.compile("Add 1 selected to a shortlist")).click()
    popover = a.page.get_by_test_id("stPopoverBody")
    box = popover.get_by_role("textbox", name="Name", exact=True)
    box.fill("Garcia, second opinion")
    box.press("Enter")
    a.idle()
    popover.get_by_role("button", name="Add", exact=True).click()
    expect(popover.get_by_text("Saved to “Garcia, second opinion”")).to_be_visible()
    assert sorted(alice.names()) == ["Garcia, L5-S1", "Garcia, second opinion"]
    assert bob.names() == ["Okafor, L4-L5"] and shared.names() == ["local only"]

    # Signing out ends the session: the sign-in page is back, and no shortlist shows.
    b.sidebar.get_by_role("button", name="Sign out").click()
    b.page.get_by_role("button", name="End session").click()  # the provider confirms, then sends Bob back
    expect(b.page.get_by_text("Sign in to continue")).to_be_visible(timeout=TIMEOUT)
    b.goto("/shortlists", expect_text="Sign in to continue")
    assert "Okafor" not in b.page.locator("body").inner_text()
