"""The editorial charter: Markdown files under `charter/` and their version."""

from dataclasses import dataclass
from pathlib import Path

from . import markup


@dataclass
class Charter:
    version: str
    html: str


def load(charter_dir: str) -> Charter:
    """Read the charter; its version is the first line of `VERSION`."""
    folder = Path(charter_dir)
    version = (folder / "VERSION").read_text(encoding="utf-8").strip()
    source = (folder / "charte.md").read_text(encoding="utf-8")
    return Charter(version=version, html=markup.render(source).html)
