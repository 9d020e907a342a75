"""The demo territory: portals, users of every role and articles with several revisions."""

import secrets
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Portal, utcnow
from .search import SearchBackend
from .services import accounts, captcha, pages, portals
from .services import search as search_service

CONTENT = Path(__file__).parent / "demo_content"


@dataclass
class DemoReport:
    portals: int = 0
    pages: int = 0
    revisions: int = 0
    #: (name, role, password) of every account created; passwords are shown once.
    users: list[tuple[str, str, str]] = field(default_factory=list)
    site_name: str = ""
    territory: str = ""


def load_demo(
    session: Session,
    search: SearchBackend,
    hash_method: str = "scrypt",
    content: Path = CONTENT,
) -> DemoReport | None:
    """Load the demo into an empty wiki; returns None if portals already exist."""
    if session.scalar(select(func.count()).select_from(Portal)):
        return None
    territory = tomllib.loads((content / "territory.toml").read_text(encoding="utf-8"))
    report = DemoReport(site_name=territory["site_name"], territory=territory["territory"])
    for spec in territory["portals"]:
        portals.create_portal(
            session,
            spec["slug"],
            spec["name"],
            spec.get("description", ""),
            spec.get("color", "#2d5f7a"),
        )
        report.portals += 1
    users = {}
    for spec in territory["users"]:
        password = secrets.token_urlsafe(9)
        users[spec["name"]] = accounts.create_user(
            session,
            spec["name"],
            password,
            spec["role"],
            charter_version="demo",
            hash_method=hash_method,
        )
        report.users.append((spec["name"], spec["role"], password))
    articles = [
        tomllib.loads(path.read_text(encoding="utf-8"))
        for path in sorted((content / "articles").glob("*.toml"))
    ]
    # Spread the history over the past weeks so that dates and "recent changes" look lived-in.
    steps = sum(len(a["revisions"]) for a in articles)
    start = utcnow() - timedelta(days=60)
    step = timedelta(days=60) / max(steps, 1)
    when = start
    # First revisions of every article, then the later ones: links turn blue as pages appear.
    rounds = max(len(a["revisions"]) for a in articles)
    for index in range(rounds):
        for article in articles:
            if index >= len(article["revisions"]):
                continue
            revision = article["revisions"][index]
            current = pages.find_page(session, article["title"])
            # Indexed once at the end: one Whoosh commit instead of one per revision.
            pages.save_edit(
                session,
                None,
                users[revision["author"]],
                article["title"],
                revision["text"].strip() + "\n",
                summary=revision.get("summary", ""),
                base_revision_id=current.latest_revision_id if current else None,
                portals=article.get("portals", []),
                kind=article.get("kind", "description"),
                when=when,
            )
            when += step
            report.revisions += 1
    report.pages = len(articles)
    # Asked from now on: after the articles, whose contributors' links were written before.
    for spec in territory.get("questions", []):
        captcha.create_question(session, users[spec["author"]], spec["question"], spec["answers"])
    search_service.reindex(session, search)
    return report
