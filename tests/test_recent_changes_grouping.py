"""Recent changes as patrollers read them: by day, then by page, with the log interleaved."""

import re

from wikiterritoire.services import moderation, pages


def _day_items(html: str) -> list[str]:
    """The top-level lines of the first day's list."""
    day = html.split('<h2 class="day">')[1]
    body = day.split('<ul class="changes">', 1)[1]
    items, depth, current = [], 0, ""
    for token in re.split(r"(<li\b[^>]*>|</li>)", body):
        if token.startswith("<li"):
            depth += 1
            if depth == 1:
                current = token
                continue
        elif token == "</li>":
            depth -= 1
            if depth == 0:
                items.append(current)
                continue
        if depth >= 1:
            current += token
        elif "</ul>" in token:
            break
    return items


def test_several_edits_of_a_page_in_a_day_fold_into_one_line(client, session, search, make_user):
    lucie, yann = make_user("Lucie"), make_user("Yann")
    first = pages.save_edit(session, search, lucie, "Port", "Le port.").revision
    second = pages.save_edit(
        session, search, yann, "Port", "Le port de pêche.", base_revision_id=first.id
    ).revision
    pages.save_edit(session, search, lucie, "Criée", "La criée.")
    third = pages.save_edit(
        session, search, lucie, "Port", "Le port de pêche, 1900.", base_revision_id=second.id
    ).revision

    items = _day_items(client.get("/recent-changes?hide_log=1").get_data(as_text=True))

    assert len(items) == 2
    group, single = items
    assert 'class="page-group"' in group
    assert "3 modifications" in group
    assert "par Lucie, Yann" in group
    assert "<details>" in group
    for revision in (first, second, third):
        assert f"/revision/{revision.id}" in group
    assert "Criée" in single and "page-group" not in single


def test_a_run_diff_spans_from_before_the_first_edit_of_the_day(client, session, search, make_user):
    lucie = make_user("Lucie")
    from datetime import timedelta

    from wikiterritoire.models import utcnow

    base = pages.save_edit(
        session, search, lucie, "Port", "Le port.", when=utcnow() - timedelta(days=2)
    ).revision
    a = pages.save_edit(session, search, lucie, "Port", "Le port 1.", base_revision_id=base.id)
    b = pages.save_edit(
        session, search, lucie, "Port", "Le port 2.", base_revision_id=a.revision.id
    )

    html = client.get("/recent-changes?hide_log=1").get_data(as_text=True)
    group = _day_items(html)[0]

    assert f"from={base.id}&amp;to={b.revision.id}" in group
    assert "diff de l&#39;ensemble" in group or "diff de l'ensemble" in group


def test_log_events_appear_among_the_changes_of_their_day(client, session, search, make_user):
    lucie = make_user("Lucie")
    moderator = make_user("Modo", "moderator")
    pages.save_edit(session, search, lucie, "Port", "Le port.")
    moderation.protect(session, moderator, "Port", "confirmed", reason="guerre d'édition")

    html = client.get("/recent-changes").get_data(as_text=True)
    items = _day_items(html)

    assert "journal" in items[0] and "a protégé la page" in items[0]
    assert "guerre d" in items[0]
    assert any("Port" in item and "journal" not in item for item in items[1:])


def test_the_log_can_be_hidden_and_is_left_out_when_filtering(client, session, search, make_user):
    lucie = make_user("Lucie")
    moderator = make_user("Modo", "moderator")
    pages.save_edit(session, search, lucie, "Port", "Le port.")
    moderation.protect(session, moderator, "Port", "confirmed", reason="guerre d'édition")

    hidden = client.get("/recent-changes?hide_log=1").get_data(as_text=True)
    filtered = client.get("/recent-changes?creations=1").get_data(as_text=True)

    for html in (hidden, filtered):
        assert "a protégé la page" not in html
        assert "Port" in html
