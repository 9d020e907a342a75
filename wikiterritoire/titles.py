"""Page titles: normalization, validation and their URL form."""

import re
import unicodedata
from urllib.parse import quote

from .errors import InvalidTitle

MAX_TITLE_LENGTH = 200
#: Characters that would clash with wikilink syntax, URLs or HTML.
FORBIDDEN = set("#<>[]|{}/\\%")
_SPACES = re.compile(r"[\s_]+")


def normalize(raw: str) -> str:
    """NFC, underscores as spaces, collapsed whitespace, first letter capital; no validation."""
    title = unicodedata.normalize("NFC", raw or "")
    title = _SPACES.sub(" ", title).strip()
    if title:
        title = title[0].upper() + title[1:]
    return title


def validate(raw: str) -> str:
    """Return the normalized title or raise `InvalidTitle` with a French explanation."""
    title = normalize(raw)
    if not title:
        raise InvalidTitle("Le titre est vide : donnez un titre à la page.")
    if len(title) > MAX_TITLE_LENGTH:
        raise InvalidTitle(
            f"Le titre est trop long ({len(title)} caractères, {MAX_TITLE_LENGTH} au plus)."
        )
    bad = sorted({c for c in title if c in FORBIDDEN or unicodedata.category(c).startswith("C")})
    if bad:
        shown = " ".join(c if c.isprintable() else repr(c) for c in bad)
        raise InvalidTitle(
            f"Le titre contient des caractères interdits : {shown}. "
            "Les caractères # < > [ ] | { } / \\ % ne sont pas permis."
        )
    if title in {".", ".."} or title.startswith(("./", "../")):
        raise InvalidTitle("Ce titre n'est pas permis.")
    return title


def to_path(title: str) -> str:
    """The title as shown in URLs, spaces as underscores like MediaWiki (not yet %-quoted)."""
    return title.replace(" ", "_")


def to_url(title: str) -> str:
    """The %-quoted path segment of a title, for links written outside `url_for`."""
    return quote(to_path(title), safe="'(),:;!*@$-_.~")
