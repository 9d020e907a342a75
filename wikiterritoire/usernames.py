"""Usernames: validation and the folded key that makes look-alike names collide."""

import re
import unicodedata

from .errors import InvalidInput

_ALLOWED = re.compile(r"^[\w .'-]{2,40}$")
#: Cyrillic and Greek letters that look like Latin ones, folded before comparing names.
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
        "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "κ": "k", "τ": "t",
    }
)  # fmt: skip


def normalize(raw: str) -> str:
    """The name as it will be shown: NFC, single spaces, no underscores."""
    name = unicodedata.normalize("NFC", raw or "")
    return re.sub(r"[\s_]+", " ", name).strip()


def key(name: str) -> str:
    """Fold case, accents, separators and common look-alikes: 'Anne-Lise' == 'anne lise'."""
    folded = unicodedata.normalize("NFKD", normalize(name).casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.translate(_CONFUSABLES)
    return re.sub(r"[\s.'_-]+", "", folded)


def validate(raw: str) -> str:
    """Return the normalized name or raise `InvalidInput` in French."""
    name = normalize(raw)
    if not _ALLOWED.match(name) or not key(name):
        raise InvalidInput(
            "Le pseudonyme doit faire de 2 à 40 caractères : lettres, chiffres, espaces, "
            "points, tirets et apostrophes."
        )
    return name
