"""Take the README's screenshot: the demo wiki served for real, an article shot in headless Chromium.

Usage: .venv/bin/python docs/screenshot.py [--title Penhoat-sur-Mer] [--out docs/screenshot.png]
Needs Debian's `chromium` package.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--title", default="Penhoat-sur-Mer")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--size", default="1200,1000")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("chromium is missing: apt-get install chromium")
    cli = str(Path(sys.executable).parent / "wikiterritoire")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "WIKI_DATA_DIR": tmp, "WIKI_SITE_NAME": "Wiki de Penhoat",
               "WIKI_TERRITORY": "Pays de Penhoat"}  # fmt: skip
        subprocess.run([cli, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen(
            [cli, "serve", "--port", str(port), "--workers", "1"], env=env, start_new_session=True
        )
        try:
            url = f"http://127.0.0.1:{port}/wiki/{quote(args.title.replace(' ', '_'))}"
            wait_for(url)
            subprocess.run(
                [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/chromium",
                 f"--window-size={args.size}", f"--screenshot={args.out}", url],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60,
            )  # fmt: skip
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    print(f"screenshot written to {args.out}")


if __name__ == "__main__":
    main()
