"""Page titles and usernames: normalization, validation, look-alike folding."""

import pytest

from wikiterritoire import titles, usernames
from wikiterritoire.errors import InvalidInput, InvalidTitle


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("rue de siam", "Rue de siam"),
        ("Rue_de_Siam", "Rue de Siam"),
        ("  Rue   de\tSiam  ", "Rue de Siam"),
        ("e\u0301glise Saint-Louis", "Église Saint-Louis"),  # NFD → NFC, then capital
        ("église", "Église"),
        ("l'Île", "L'Île"),
    ],
)
def test_titles_are_normalized(raw, expected):
    assert titles.validate(raw) == expected


@pytest.mark.parametrize(
    "bad", ["a#b", "a<b", "x[y]", "a|b", "a{b}", "a/b", "a\\b", "100%", "a\x07b"]
)
def test_titles_with_forbidden_characters_are_refused_in_french(bad):
    with pytest.raises(InvalidTitle, match="caractères interdits"):
        titles.validate(bad)


def test_empty_and_overlong_titles_are_refused():
    with pytest.raises(InvalidTitle, match="vide"):
        titles.validate(" _ ")
    with pytest.raises(InvalidTitle, match="trop long"):
        titles.validate("a" * 201)


def test_title_url_uses_underscores_and_quotes_the_rest():
    assert titles.to_path("Rue de Siam") == "Rue_de_Siam"
    assert titles.to_url("Église Saint-Louis") == "%C3%89glise_Saint-Louis"


@pytest.mark.parametrize("other", ["anne", "ANNE", "Ânne", "Anne ", "аnne"])  # last: Cyrillic а
def test_usernames_differing_by_case_accents_or_lookalikes_share_a_key(other):
    assert usernames.key(other) == usernames.key("Anne")


def test_distinct_usernames_keep_distinct_keys():
    assert usernames.key("Anne") != usernames.key("Annie")


@pytest.mark.parametrize("bad", ["a", "x" * 41, "<script>", "a/b", "", "   "])
def test_malformed_usernames_are_refused_in_french(bad):
    with pytest.raises(InvalidInput, match="pseudonyme"):
        usernames.validate(bad)
