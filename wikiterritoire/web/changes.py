"""Recent changes across the wiki, with the filters patrollers need."""

from flask import Blueprint, render_template, request

from .. import risk
from ..services import history, moderation
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


def by_day(revisions):
    """[(French day label, revisions of that day)], in the order given (newest first)."""
    days: list[tuple[str, list]] = []
    for rev in revisions:
        label = formatting.date_fr(rev.created_at, with_time=False)
        if not days or days[-1][0] != label:
            days.append((label, []))
        days[-1][1].append(rev)
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
    return render_template(
        "changes/recent.html",
        days=by_day(history.recent_changes(session, limit=limit, filters=filters)),
        limit=limit,
        filters=filters,
        switches=SWITCHES,
        signal_labels=risk.SIGNAL_LABELS,
        risky=risk.RISKY,
        unpatrolled=moderation.unpatrolled_count(session),
    )
