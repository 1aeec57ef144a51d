"""Hostile or broken uploads are refused with a message; the server stays up and the shipped data is untouched."""

from __future__ import annotations

import re
import urllib.request

from playwright.sync_api import expect


def _facility_yaml(marker_name: str) -> str:
    return f"""id: th-latin1-test
name: {marker_name}
country: TH
city: Bangkok
summary: Written in Latin-1, not UTF-8.
location: null
sources:
  site: {{url: "https://example.org/x", as_of: "2025-01", kind: hospital, evidence: facility_published}}
"""


def _bad_files(tmp_path):
    marker = tmp_path / "python-tag-ran"
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        laughs.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    # file name -> (content, what the refusal must say; None = the uploader's own size check)
    files = {
        "oversized.yaml": (b"# padding\n" * 110_000, None),  # 1.1 MB, over the uploader's 1 MB limit
        "over-app-limit.yaml": (b"# padding\n" * 30_000, r"too large"),  # 300 KB, over the app's 256 KB
        "nested.yaml": (b"[" * 100_000, r"nested"),
        "alias-bomb.yaml": (("\n".join(laughs) + "\n").encode(), r"alias"),
        "python-tag.yaml": (f'!!python/object/apply:os.system ["touch {marker}"]\n'.encode(), r"tag .* not allowed"),
        "binary.yaml": (bytes(range(256)) * 64, r"binary|NUL"),
        "latin1.yaml": (_facility_yaml("Clínica São José Ñandú").encode("latin-1"), r"UTF-8"),
    }
    cases = []
    for name, (data, expected) in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        cases.append((path, expected))
    return cases, marker


def test_bad_uploads_server_survives(ui, app_url, shipped_count, tmp_path):
    cases, marker = _bad_files(tmp_path)
    ui.goto("/data", "Add your own data")
    for path, expected in cases:
        ui.upload(path)
        uploader = ui.uploader()
        if expected is None:
            # Refused by the uploader itself, before the app sees it.
            expect(uploader).to_contain_text("File must be 1.0MB or smaller")
        else:
            expect(ui.page.get_by_text(f"{path.name} was not added")).to_be_visible()
            ui.idle()
            # The problems table right under that message (the validation report above has the same columns).
            reports = ui.grid("message")
            expect(reports).to_have_count(2)
            report = reports.nth(1)
            ui.wait_until(
                lambda: set(ui.grid_column("file", report)) == {path.name},  # noqa: B023 (called at once)
                f"no problem listed for {path.name}: {ui.grid_column('file', report)}",
            )
            messages = ui.grid_column("message", report)
            assert any(re.search(expected, m, re.I) for m in messages), (path.name, messages)
        ui.no_exception()
        with urllib.request.urlopen(app_url + "/_stcore/health", timeout=5) as r:
            assert r.read() == b"ok", f"server unhealthy after {path.name}"

        # Nothing was added: the Compare page still ranks exactly the shipped facilities.
        ui.nav("Compare", "Options shown")
        expect(ui.metric("Options shown")).to_have_text(f"{shipped_count} of {shipped_count}")
        ui.nav("Data & sources", "Add your own data")
        expect(ui.metric("Facilities")).to_have_text(str(shipped_count))
        expect(ui.page.get_by_text("Your uploads in this session")).to_have_count(0)
    assert not marker.exists(), "the !!python/object tag was executed"
    ui.screenshot("bad-uploads-last")
