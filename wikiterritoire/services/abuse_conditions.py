"""The conditions of abuse rules: what they look at, how they match, and how they are checked.

A rule's conditions are a list of {"field", "op", "value"}, all of which must hold:

- text fields (`added_text`, `removed_text`, `summary`, `title`) with "contains_any" (a list of
  words or expressions, found on word boundaries without regard to case or accents; a final
  "*" accepts any ending) or "matches" (a regular expression, accent-insensitive, case-sensitive
  unless it starts with "(?i)");
- numeric fields (`account_age_days`, `account_edits`, `added_links`, `removed_ratio` — the share
  of the old text's words that the edit removes, 0 to 100 — and `size_delta`, in bytes) with
  "lt" or "gt".
"""

import logging
import re
import re._constants as sre_constants  # the parser's own tree, to judge a pattern's cost
import re._parser as sre_parser
import unicodedata
from collections import Counter
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInput

if TYPE_CHECKING:
    from .screening import Edit

log = logging.getLogger(__name__)

TEXT_FIELDS = {
    "added_text": "texte ajouté",
    "removed_text": "texte retiré",
    "summary": "résumé de la modification",
    "title": "titre de la page",
}
NUMBER_FIELDS = {
    "account_age_days": "âge du compte (jours)",
    "account_edits": "modifications publiées par le compte",
    "added_links": "liens externes ajoutés",
    "removed_ratio": "part du texte retirée (%)",
    "size_delta": "variation de taille (octets)",
}
FIELDS = {**TEXT_FIELDS, **NUMBER_FIELDS}
TEXT_OPS = {"contains_any": "contient l'un des mots", "matches": "correspond à l'expression"}
NUMBER_OPS = {"lt": "est inférieur à", "gt": "est supérieur à"}
OPS = {**TEXT_OPS, **NUMBER_OPS}

MAX_CONDITIONS = 10
MAX_TERMS = 300
MAX_TERM_LENGTH = 100
MAX_PATTERN_LENGTH = 300
#: A regular expression only looks at this many characters of a field: Python's `re` cannot be
#: interrupted, so the text it may backtrack over is kept short (see also `_pattern_risk`).
MAX_MATCH_CHARS = 20_000


# --- Matching ----------------------------------------------------------------------------------


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Text without accents or case, with one kind of apostrophe: what "contains_any" compares."""
    return _strip_accents(text).casefold().replace("\u2019", "'")


@lru_cache(maxsize=256)
def _terms_regex(terms: tuple[str, ...]) -> re.Pattern:
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        wildcard = term.endswith("*")
        words = fold(term.rstrip("*")).split()
        part = r"\s+".join(re.escape(w) for w in words)
        parts.append(part + (r"\w*" if wildcard else ""))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(_strip_accents(pattern))


class Facts:
    """What the conditions look at, computed once per edit and only when a rule asks."""

    def __init__(self, edit: "Edit"):
        self.edit = edit
        self._texts: dict[tuple[str, str], str] = {}

    @cached_property
    def added_text(self) -> str:
        return self.edit.added_text

    @cached_property
    def removed_text(self) -> str:
        return self.edit.removed_text

    @property
    def summary(self) -> str:
        return self.edit.summary

    @property
    def title(self) -> str:
        return self.edit.title

    @property
    def account_age_days(self) -> float:
        return self.edit.account_age_days

    @property
    def account_edits(self) -> int:
        return self.edit.account_edits

    @cached_property
    def added_links(self) -> int:
        return len(self.edit.added_links)

    @cached_property
    def removed_ratio(self) -> float:
        # Counted in words rather than lines: a typo fixed in a one-line paragraph removes one
        # word, not the paragraph.
        old = Counter(re.findall(r"\w+", self.edit.old_text.casefold()))
        total = sum(old.values())
        if not total:
            return 0.0
        gone = old - Counter(re.findall(r"\w+", self.edit.new_text.casefold()))
        return 100 * sum(gone.values()) / total

    @cached_property
    def size_delta(self) -> int:
        return len(self.edit.new_text.encode("utf-8")) - len(self.edit.old_text.encode("utf-8"))

    def folded(self, name: str) -> str:
        """The field as "contains_any" compares it."""
        key = ("folded", name)
        if key not in self._texts:
            self._texts[key] = fold(getattr(self, name))
        return self._texts[key]

    def unaccented(self, name: str) -> str:
        """The field as "matches" reads it: without accents, and only its beginning."""
        key = ("unaccented", name)
        if key not in self._texts:
            self._texts[key] = _strip_accents(getattr(self, name)[:MAX_MATCH_CHARS])
        return self._texts[key]


def _holds(condition: dict, facts: Facts) -> bool:
    name, op, value = condition.get("field"), condition.get("op"), condition.get("value")
    if op == "contains_any" and name in TEXT_FIELDS:
        return bool(value) and _terms_regex(tuple(value)).search(facts.folded(name)) is not None
    if op == "matches" and name in TEXT_FIELDS:
        try:
            return _compiled(value).search(facts.unaccented(name)) is not None
        except (re.error, TypeError):
            log.warning("Abuse rule condition with an invalid pattern: %r", value)
            return False
    if op in NUMBER_OPS and name in NUMBER_FIELDS and isinstance(value, int | float):
        fact = getattr(facts, name)
        return fact < value if op == "lt" else fact > value
    return False


def fires(conditions: list[dict] | None, facts: Facts) -> bool:
    """Whether a rule with these conditions fires; a rule without any never does."""
    return bool(conditions) and all(_holds(c, facts) for c in conditions)


def conditions_hold(conditions: list[dict], edit: "Edit") -> bool:
    """Whether every one of `conditions` holds for `edit` (what a rule with them would do)."""
    return fires(conditions, Facts(edit))


# --- Validation ----------------------------------------------------------------------------------

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}
_BACKREFS = {sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS}
#: A repetition allowing more than this many rounds counts as unbounded.
_LONG_REPEAT = 50


def _subpatterns(value):
    if isinstance(value, sre_parser.SubPattern):
        yield value
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _subpatterns(item)


def _contains(pattern, ops: set) -> bool:
    return any(
        op in ops or any(_contains(sub, ops) for sub in _subpatterns(av)) for op, av in pattern
    )


def _pattern_risk(pattern, outer: str | None = None) -> str | None:
    """Why matching this parsed pattern could take exponential or runaway time, if it could.

    `re` backtracks without limit, so the usual culprits are refused: a repetition inside a
    repetition when either is unbounded ((a+)+), an unbounded repetition of alternatives
    ((a|ab)*), and back-references.
    """
    for op, av in pattern:
        if op in _BACKREFS:
            return "les références arrière (\\1) ne sont pas acceptées"
        if op in _REPEATS and av[1] > 1:
            long = av[1] > _LONG_REPEAT
            if outer is not None and (long or outer == "long"):
                return "une répétition dans une répétition, comme (a+)+, est trop coûteuse"
            if long and _contains(av[2], {sre_constants.BRANCH}):
                return (
                    "une répétition d'alternatives, comme (a|ab)+, est trop coûteuse ; "
                    "pour une liste de mots, utilisez « contient l'un des mots »"
                )
            inner = "long" if long or outer == "long" else "short"
            risk = _pattern_risk(av[2], inner)
        else:
            risk = next(filter(None, (_pattern_risk(s, outer) for s in _subpatterns(av))), None)
        if risk:
            return risk
    return None


def _check_pattern(value, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where} : indiquez une expression régulière.")
    if len(value) > MAX_PATTERN_LENGTH:
        raise InvalidInput(
            f"{where} : l'expression régulière ne doit pas dépasser "
            f"{MAX_PATTERN_LENGTH} caractères."
        )
    unaccented = _strip_accents(value)
    try:
        re.compile(unaccented)
        parsed = sre_parser.parse(unaccented)
    except re.error as exc:
        position = f" (vers le caractère n° {exc.pos + 1})" if exc.pos is not None else ""
        raise InvalidInput(
            f"{where} : l'expression régulière « {value} » n'est pas valide{position}. "
            "Vérifiez les parenthèses, crochets et caractères spéciaux (à échapper avec \\)."
        ) from None
    risk = _pattern_risk(parsed)
    if risk:
        raise InvalidInput(f"{where} : {risk}. Simplifiez l'expression.")
    return value


def _check_terms(value, where: str) -> list[str]:
    if isinstance(value, str):
        value = value.replace("\n", ",").split(",")
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise InvalidInput(f"{where} : donnez une liste de mots ou d'expressions.")
    terms = list(dict.fromkeys(" ".join(t.split()) for t in value if t.strip()))
    if not terms:
        raise InvalidInput(f"{where} : indiquez au moins un mot, ou séparez-les par des virgules.")
    if len(terms) > MAX_TERMS:
        raise InvalidInput(f"{where} : pas plus de {MAX_TERMS} mots par condition.")
    for term in terms:
        if len(term) > MAX_TERM_LENGTH:
            raise InvalidInput(f"{where} : « {term[:30]}… » dépasse {MAX_TERM_LENGTH} caractères.")
        if "*" in term.rstrip("*") or term.endswith("**"):
            raise InvalidInput(
                f"{where} : « {term} » : l'astérisque n'est permis qu'à la fin d'un mot "
                "(« crétin* » trouve aussi « crétins », « crétine »)."
            )
        if not re.search(r"\w", term):
            raise InvalidInput(f"{where} : « {term} » ne contient aucune lettre ni chiffre.")
    return terms


def _check_number(value, where: str) -> int | float:
    if isinstance(value, str):
        text = value.strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise InvalidInput(f"{where} : « {value} » n'est pas un nombre.") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{where} : la valeur doit être un nombre.")
    if value != value or abs(value) > 10**12:
        raise InvalidInput(f"{where} : ce nombre n'est pas utilisable.")
    return int(value) if float(value).is_integer() else float(value)


def validate_conditions(raw: Any) -> list[dict]:
    """Check and normalize a rule's conditions; `InvalidInput` says which one is wrong, in French."""
    if not isinstance(raw, list):
        raise InvalidInput("Les conditions doivent être une liste de {field, op, value}.")
    if not raw:
        raise InvalidInput(
            "Ajoutez au moins une condition : sans condition, la règle s'appliquerait "
            "à toutes les modifications."
        )
    if len(raw) > MAX_CONDITIONS:
        raise InvalidInput(f"Une règle ne peut pas avoir plus de {MAX_CONDITIONS} conditions.")
    conditions = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise InvalidInput(f"Condition {number} : un objet {{field, op, value}} est attendu.")
        name, op = item.get("field"), item.get("op")
        if name not in FIELDS:
            raise InvalidInput(
                f"Condition {number} : champ inconnu « {name} ». Champs possibles : "
                + ", ".join(FIELDS)
                + "."
            )
        where = f"Condition {number} ({FIELDS[name]})"
        allowed = TEXT_OPS if name in TEXT_FIELDS else NUMBER_OPS
        if op not in allowed:
            raise InvalidInput(
                f"{where} : l'opération « {OPS.get(op, op)} » ne s'applique pas à ce champ ; "
                "choisissez " + " ou ".join(f"« {label} »" for label in allowed.values()) + "."
            )
        value = item.get("value")
        if op == "contains_any":
            value = _check_terms(value, where)
        elif op == "matches":
            value = _check_pattern(value, where)
        else:
            value = _check_number(value, where)
        conditions.append({"field": name, "op": op, "value": value})
    return conditions
