"""Risk signals: each one explained, none raised by an ordinary good-faith edit."""

from wikiterritoire import risk

ARTICLE = (
    "Le port de Penhoat abrite une flottille de pêche côtière. "
    "Les thoniers y relâchaient en été, et la criée vendait la sardine au petit matin.\n"
) * 6


def codes(old, new, summary="", **author):
    return risk.assess(old, new, summary, **author).codes


def test_an_ordinary_edit_by_an_established_author_raises_nothing():
    assert codes(ARTICLE, ARTICLE + "Un nouveau ponton a été construit en 1998.\n") == []


def test_blanking_a_page_is_the_strongest_signal():
    assessment = risk.assess(ARTICLE, "")
    assert assessment.codes == ["blanking"] and assessment.score >= risk.RISKY


def test_removing_most_of_a_page_is_flagged():
    assert codes(ARTICLE, ARTICLE[: len(ARTICLE) // 3]) == ["large-removal"]


def test_insults_are_found_through_case_and_accents():
    assert "insult" in codes(ARTICLE, ARTICLE + "Quel ENCULÉ ce maire.\n")
    assert "insult" in codes(ARTICLE, ARTICLE, summary="bande de connards")


def test_shouting_and_repetition_are_flagged():
    assert "shouting" in codes(ARTICLE, ARTICLE + "CE PORT EST LE PLUS BEAU DU MONDE ENTIER !!!\n")
    assert "repetition" in codes(ARTICLE, ARTICLE + "aaaaaaaaaaaaaaaa\n")
    assert "repetition" in codes(ARTICLE, ARTICLE + "nul nul nul nul nul nul\n")


def test_external_links_weigh_more_from_a_new_account():
    three = "".join(f"Voir https://spam{i}.example/ .\n" for i in range(3))
    assert "many-links" in codes(ARTICLE, ARTICLE + three)
    one = "Voir https://promo.example/\n"
    assert codes(ARTICLE, ARTICLE + one) == []
    assert codes(ARTICLE, ARTICLE + one, account_age_days=0.1, account_edits=0) == [
        "newcomer-links",
        "new-account",
    ]


def test_a_burst_of_edits_is_flagged():
    assert "burst" in codes(ARTICLE, ARTICLE + "x\n", edits_last_5_minutes=6)


def test_score_is_capped_and_every_signal_has_a_french_label():
    worst = risk.assess(
        ARTICLE,
        "CONNARD " * 10 + "https://a.example https://b.example https://c.example",
        account_age_days=0,
        account_edits=0,
        edits_last_5_minutes=10,
    )
    assert worst.score == 100
    assert all(code in risk.SIGNAL_LABELS for code in worst.codes)


def test_saved_revisions_carry_their_score_and_signals(session, search, make_user):
    from wikiterritoire.services import pages

    user = make_user()
    first = pages.save_edit(session, search, user, "Port", ARTICLE).revision
    # The blanking rule warns the new account, which publishes anyway.
    blanked = pages.save_edit(
        session, search, user, "Port", "", base_revision_id=first.id, acknowledged=True
    ).revision
    assert "blanking" in blanked.risk_signals and blanked.risk_score >= risk.RISKY
