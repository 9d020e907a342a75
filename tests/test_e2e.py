"""End to end through a real HTTP server (`wikiterritoire serve`), driven as a person would."""

import html
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

START_TIMEOUT = 60
STOP_TIMEOUT = 15
PASSWORD = "un-mot-de-passe-e2e"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_BASE = re.compile(r'name="base_revision_id" value="(\d*)"')
_TEXTAREA = re.compile(r'<textarea id="text" name="text"[^>]*>(.*?)</textarea>', re.S)
_CURRENT = re.compile(r'<textarea id="current-text"[^>]*>(.*?)</textarea>', re.S)
_REVISION_LINK = re.compile(r'href="/revision/(\d+)"')


def console_script() -> str:
    folder = Path(sys.executable).parent
    found = shutil.which("wikiterritoire", path=str(folder)) or shutil.which("wikiterritoire")
    # The README's install step provides it: missing means a broken install, not a skip.
    assert found, "the wikiterritoire console script is not installed"
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Person:
    """A person with a browser: cookies, forms with their CSRF token, no JavaScript."""

    def __init__(self, base_url: str):
        self.base = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, final URL, body); follows redirects, returns error pages instead of raising."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.url, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.url, error.read().decode("utf-8")

    def get(self, path: str) -> tuple[int, str, str]:
        return self.request(path)

    def submit(self, form_path: str, action: str, fields: dict) -> tuple[int, str, str]:
        """Open the page holding the form, then post it with that page's CSRF token."""
        status, _, page = self.get(form_path)
        assert status == 200, (form_path, status)
        match = _CSRF.search(page)
        assert match, f"no CSRF token on {form_path}"
        return self.request(action, {"csrf_token": html.unescape(match.group(1)), **fields})

    def register(self, name: str) -> None:
        status, url, page = self.submit(
            "/register",
            "/register",
            {
                "name": name,
                "password": PASSWORD,
                "password_confirm": PASSWORD,
                "accept_charter": "yes",
            },
        )
        assert status == 200 and "Se déconnecter" in page, (status, url)

    def open_editor(self, path: str) -> str:
        status, _, page = self.get(f"/wiki/{path}/edit")
        assert status == 200
        match = _BASE.search(page)
        assert match
        return match.group(1)

    def save(self, path: str, text: str, base: str, summary: str = "") -> tuple[int, str, str]:
        fields = {"text": text, "summary": summary, "base_revision_id": base, "action": "save"}
        return self.submit(f"/wiki/{path}/edit", f"/wiki/{path}/edit", fields)


@pytest.fixture
def server(tmp_path):
    """`wikiterritoire serve` on a free port with its own data dir; stopped by PID afterwards."""
    port = free_port()
    env = {**os.environ, "WIKI_DATA_DIR": str(tmp_path / "instance")}
    for var in ("WIKI_DATABASE_URL", "WIKI_SEARCH", "WIKI_SECRET_KEY"):
        env.pop(var, None)
    log = open(tmp_path / "server.log", "wb")  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        [console_script(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited early: {(tmp_path / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(base_url + "/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer in {START_TIMEOUT} s")
            time.sleep(0.2)
        yield base_url
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=STOP_TIMEOUT)
        log.close()


def test_register_create_edit_conflict_history_diff_revert_search(server):
    anne, yves = Person(server), Person(server)
    title, path = "Chantier naval du Glaz", "Chantier_naval_du_Glaz"

    # Register, create an article.
    anne.register("Anne")
    assert anne.open_editor(path) == ""
    status, url, page = anne.save(
        path,
        "Les **chantiers navals** du Glaz ont construit des thoniers.\n\nSouvenir d'Anne.",
        "",
        summary="Création",
    )
    assert status == 200 and url.endswith(f"/wiki/{path}")
    assert "<strong>chantiers navals</strong>" in page
    assert f"<h1>{title}</h1>" in page

    # Edit it.
    base = anne.open_editor(path)
    status, _, page = anne.save(
        path,
        "Les **chantiers navals** du Glaz ont construit des thoniers en bois.\n\nSouvenir d'Anne.",
        base,
        summary="précision",
    )
    assert status == 200 and "thoniers en bois" in page

    # A conflict from a second session: both open the editor on the same base.
    yves.register("Yves")
    base_anne, base_yves = anne.open_editor(path), yves.open_editor(path)
    assert base_anne == base_yves
    anne_text = "Les **chantiers navals** du Glaz ont construit des thoniers en bois.\n\nSouvenir d'Anne, 1952."
    yves_text = "Les **chantiers navals** du Glaz ont construit des thoniers en bois.\n\nMon père y était charpentier."
    assert anne.save(path, anne_text, base_anne)[0] == 200
    status, _, page = yves.save(path, yves_text, base_yves)
    assert status == 409
    assert "Conflit de modification" in page
    assert html.unescape(_TEXTAREA.search(page).group(1)).lstrip("\n") == yves_text
    assert html.unescape(_CURRENT.search(page).group(1)).lstrip("\n") == anne_text
    new_base = _BASE.search(page).group(1)
    merged = anne_text + "\n\nMon père y était charpentier."
    status, _, page = yves.save(path, merged, new_base, summary="fusion")
    assert status == 200 and "charpentier" in page

    # History: four revisions, newest first, with both authors.
    status, _, history = anne.get(f"/wiki/{path}/history")
    assert status == 200
    assert "4 versions" in history
    assert 'href="/user/Anne"' in history and 'href="/user/Yves"' in history
    revisions = list(dict.fromkeys(int(i) for i in _REVISION_LINK.findall(history)))
    assert len(revisions) == 4 and revisions == sorted(revisions, reverse=True)
    first, latest = revisions[-1], revisions[0]

    # Diff between the first and the latest revision (not consecutive).
    status, _, diff = anne.get(f"/wiki/{path}/diff?from={first}&to={latest}")
    assert status == 200
    assert "<ins>" in diff and "charpentier" in diff
    assert re.search(r"<ins>[^<]*bois", diff)

    # Revert to the first revision: a new revision, history kept.
    status, _, page = anne.submit(
        f"/wiki/{path}/history",
        f"/wiki/{path}/revert",
        {"revision_id": str(first), "summary": "retour à l'original"},
    )
    assert status == 200
    assert "thoniers en bois" not in page and "construit des thoniers." in page
    status, _, history = anne.get(f"/wiki/{path}/history")
    assert "5 versions" in history and "revert" in history
    for rev in revisions:
        assert f'href="/revision/{rev}"' in history

    # Search finds the article from the singular form, on whichever worker answers.
    for _ in range(4):
        status, _, results = yves.get("/search?q=chantier+naval")
        assert status == 200
        assert f'href="/wiki/{path}"' in results
        assert "<mark>" in results
    status, _, body = yves.get("/api/v1/search?q=chantier%20naval")
    found = json.loads(body)
    assert [r["title"] for r in found["results"]] == [title]

    # The API sees the reverted text and the whole history.
    page_json = json.loads(anne.get(f"/api/v1/pages/{path}")[2])
    assert page_json["markdown"].endswith("Souvenir d'Anne.")
    revisions_json = json.loads(anne.get(f"/api/v1/pages/{path}/revisions")[2])
    assert revisions_json["total"] == 5
    assert "revert" in revisions_json["revisions"][0]["tags"]
