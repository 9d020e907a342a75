"""The external-domain blocklist that moderators keep."""

from sqlalchemy.orm import Session


def check(session: Session, urls: list[str]) -> None:
    """Raise `EditRefused` naming the domain when one of `urls` is on the blocklist."""
