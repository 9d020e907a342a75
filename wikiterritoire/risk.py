"""Risk of an edit being vandalism, from explainable signals shown to patrollers.

A pure function of the edit and a few facts about its author: no database, no Flask.
"""

import re
import unicodedata
from dataclasses import dataclass, field

#: Common French insults and slurs, folded (lower case, no accents).
INSULTS = frozenset(
    [
        "connard",
        "connards",
        "connasse",
        "connasses",
        "salaud",
        "salauds",
        "salope",
        "salopes",
        "encule",
        "encules",
        "enculer",
        "pute",
        "putes",
        "putain",
        "batard",
        "batards",
        "batarde",
        "enfoire",
        "enfoires",
        "fdp",
        "ntm",
        "nique",
        "niquer",
        "pd",
        "pede",
        "pedes",
        "tapette",
        "gouine",
        "bouffon",
        "bouffons",
        "abruti",
        "abrutis",
        "debile",
        "debiles",
        "cretin",
        "cretins",
        "merde",
        "merdes",
        "merdique",
        "chier",
        "couille",
        "couilles",
        "bite",
        "bites",
        "teub",
        "chatte",
        "cul",
        "trouduc",
        "pouffiasse",
        "grognasse",
    ]
)
_WORD = re.compile(r"\w+", re.UNICODE)
_URL = re.compile(r"https?://", re.I)
_REPEATED_CHAR = re.compile(r"(\S)\1{9,}")
_REPEATED_WORD = re.compile(r"\b(\w+)(?:\W+\1\b){4,}", re.I)

#: A score at or above this marks an edit as risky in recent changes.
RISKY = 40


@dataclass(frozen=True)
class Signal:
    #: A key of SIGNAL_LABELS, where its French explanation lives.
    code: str
    weight: int


@dataclass
class Assessment:
    signals: list[Signal] = field(default_factory=list)

    @property
    def score(self) -> int:
        return min(100, sum(s.weight for s in self.signals))

    @property
    def codes(self) -> list[str]:
        return [s.code for s in self.signals]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _added(old: str, new: str) -> str:
    """Lines of `new` that were not in `old`: what the author brought."""
    before = set(old.splitlines())
    return "\n".join(line for line in new.splitlines() if line not in before)


def assess(
    old: str,
    new: str,
    summary: str = "",
    *,
    account_age_days: float = 365.0,
    account_edits: int = 100,
    edits_last_5_minutes: int = 0,
) -> Assessment:
    """The signals an edit from `old` to `new` raises, each with its weight."""
    signals: list[Signal] = []

    def raise_(code: str, weight: int) -> None:
        signals.append(Signal(code, weight))

    old_size, new_size = len(old.encode()), len(new.encode())
    if old_size >= 200 and new_size < old_size * 0.1:
        raise_("blanking", 50)
    elif old_size >= 500 and new_size < old_size * 0.5:
        raise_("large-removal", 30)
    added = _added(old, new)
    if _REPEATED_CHAR.search(added) or _REPEATED_WORD.search(added):
        raise_("repetition", 20)
    letters = [c for c in added if c.isalpha()]
    if len(letters) >= 30 and sum(c.isupper() for c in letters) >= 0.6 * len(letters):
        raise_("shouting", 20)
    words = set(_WORD.findall(_fold(added + " " + summary)))
    if words & INSULTS:
        raise_("insult", 40)
    new_links = len(_URL.findall(new)) - len(_URL.findall(old))
    newcomer = account_age_days < 1 or account_edits < 3
    if new_links >= 3:
        raise_("many-links", 25)
    elif new_links >= 1 and newcomer:
        raise_("newcomer-links", 15)
    if newcomer:
        raise_("new-account", 10)
    if edits_last_5_minutes >= 5:
        raise_("burst", 20)
    return Assessment(signals)


SIGNAL_LABELS = {
    "blanking": "page presque entièrement vidée",
    "large-removal": "plus de la moitié du texte retirée",
    "repetition": "caractères ou mots répétés",
    "shouting": "texte en majuscules",
    "insult": "insulte ou grossièreté",
    "many-links": "plusieurs liens externes ajoutés",
    "newcomer-links": "lien externe ajouté par un nouveau compte",
    "new-account": "compte tout récent",
    "burst": "rafale de modifications",
}
