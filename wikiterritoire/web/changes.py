"""Recent changes across the wiki, with the filters patrollers need."""

from dataclasses import dataclass, field

from flask import Blueprint, render_template, request

from .. import risk
from ..models import Page, Revision
from ..services import events, history, moderation
from . import context, formatting

bp = Blueprint("changes", __name__)

#: Query-string switches and their French labels, in display order.
SWITCHES = {
    "unpatrolled": "non vérifiées",
    "risky": "à risque",
    "newcomers": "nouveaux contributeurs",
    "creations": "créations de pages",
    "large_removals": "gros retraits",
}


@dataclass
class PageGroup:
    """A page's edits of one day, newest first: shown as one line that unfolds."""

    page: Page
    revisions: list[Revision] = field(default_factory=list)

    @property
    def size_delta(self) -> int:
        return sum(r.size_delta for r in self.revisions)

    @property
    def authors(self) -> list[str]:
        names = (r.author.name if r.author else "anonyme" for r in reversed(self.revisions))
        return list(dict.fromkeys(names))

    @property
    def unpatrolled(self) -> int:
        return sum(not r.patrolled for r in self.revisions)

    @property
    def risk_score(self) -> int:
        return max(r.risk_score for r in self.revisions)


@dataclass
class Day:
    label: str
    #: PageGroups and log entries, newest first.
    items: list = field(default_factory=list)
    _groups: dict = field(default_factory=dict, repr=False)


def by_day(revisions, entries=()) -> list[Day]:
    """Edits grouped by day, then by page; log entries interleaved by time (newest first)."""
    merged = sorted(
        [(r.created_at, r) for r in revisions] + [(e.when, e) for e in entries],
        key=lambda pair: pair[0],
        reverse=True,
    )
    days: list[Day] = []
    for when, item in merged:
        label = formatting.date_fr(when, with_time=False)
        if not days or days[-1].label != label:
            days.append(Day(label))
        day = days[-1]
        if isinstance(item, Revision):
            group = day._groups.get(item.page_id)
            if group is None:
                group = day._groups[item.page_id] = PageGroup(item.page)
                day.items.append(group)
            group.revisions.append(item)
        else:
            day.items.append(item)
    return days


def filters_from(args) -> history.ChangeFilters:
    """Read the filters of a query string (shared by the page and the API)."""
    return history.ChangeFilters(
        **{name: args.get(name) == "1" for name in SWITCHES},
        portal=args.get("portal") or None,
        tag=args.get("tag") or None,
    )


@bp.route("/recent-changes")
def recent():
    limit = request.args.get("limit", "100")
    limit = min(int(limit), 500) if limit.isdigit() and int(limit) > 0 else 100
    session = context.db()
    filters = filters_from(request.args)
    revisions = history.recent_changes(session, limit=limit, filters=filters)
    entries = []
    if not filters.active and request.args.get("hide_log") != "1":
        # Log entries over the same stretch of time as the edits shown.
        since = revisions[-1].created_at if len(revisions) == limit else None
        entries = events.recent(session, limit=limit, since=since)
    return render_template(
        "changes/recent.html",
        days=by_day(revisions, entries),
        hide_log=request.args.get("hide_log") == "1",
        limit=limit,
        filters=filters,
        switches=SWITCHES,
        signal_labels=risk.SIGNAL_LABELS,
        risky=risk.RISKY,
        unpatrolled=moderation.unpatrolled_count(session),
    )
