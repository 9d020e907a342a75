"""The schema, as typed SQLAlchemy 2 models. Alembic migrations are generated from these."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator

from .db import Base


class UTCDateTime(TypeDecorator):
    """Store naive UTC, hand back aware UTC: SQLite forgets time zones."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


#: Roles from least to most trusted; "reader" is the anonymous visitor and is never stored.
ROLES = ("reader", "contributor", "confirmed", "mediator", "moderator", "admin")
#: How each role is named to users.
ROLE_NAMES = {
    "reader": "lecteur",
    "contributor": "contributeur",
    "confirmed": "contributeur confirmé",
    "mediator": "médiateur",
    "moderator": "modérateur",
    "admin": "administrateur",
}


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The pseudonym as typed, shown everywhere.
    name: Mapped[str] = mapped_column(String(64))
    #: Case-, accent- and look-alike-folded name; unique so "Anne" and "ânne" cannot coexist.
    name_key: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="contributor")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Version of the editorial charter this user last accepted.
    charter_version: Mapped[str | None] = mapped_column(String(32))
    charter_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: While set and in the future, the account may read but not write.
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    block_reason: Mapped[str] = mapped_column(String(500), default="")
    #: Follow the pages one creates or edits automatically.
    watch_own_edits: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Secret of the private Atom feed of the watchlist (regenerated on demand).
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    def has_role(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def is_blocked(self, now: datetime | None = None) -> bool:
        return self.blocked_until is not None and self.blocked_until > (now or utcnow())

    # Flask-Login protocol, kept here so that services need no Flask import.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Portal(Base):
    __tablename__ = "portals"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    #: Markdown introduction shown on the portal page, edited by moderators.
    description: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str] = mapped_column(String(16), default="#2d5f7a")
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Hold the first edits of new accounts on this portal's pages for review.
    moderated: Mapped[bool] = mapped_column(Boolean, default=False)


page_portals = Table(
    "page_portals",
    Base.metadata,
    Column("page_id", ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True),
    Column("portal_id", ForeignKey("portals.id", ondelete="CASCADE"), primary_key=True),
)


class Place(Base):
    """A commune or, below it, a neighbourhood (quartier): the territory's place hierarchy."""

    __tablename__ = "places"
    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_places_parent_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    #: None for a commune; the commune for a neighbourhood.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped["Place | None"] = relationship(remote_side=[id], lazy="joined")


class Page(Base):
    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Normalized title (NFC, spaces, capital first letter), unique.
    title: Mapped[str] = mapped_column(String(255), unique=True)
    #: "description" or "testimony" (first-person, signed by its authors).
    kind: Mapped[str] = mapped_column(String(32), default="description")
    latest_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, name="fk_pages_latest_revision_id_revisions")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    touched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Soft deletion: the page and all its revisions stay in the database.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: "" (anyone registered), "confirmed" or "moderator".
    protection: Mapped[str] = mapped_column(String(16), default="")
    #: When the protection lapses on its own (None: until lifted).
    protection_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    protection_reason: Mapped[str] = mapped_column(String(500), default="")
    #: "CC-BY-SA-4.0", or "CC-BY-ND-4.0" for a signed testimony whose signatories chose it.
    licence: Mapped[str] = mapped_column(String(32), default="CC-BY-SA-4.0")
    #: The most precise place of the current revision's infobox (derived, for browsing).
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("places.id", ondelete="SET NULL"), index=True
    )
    #: Title this page redirects to, derived from its current text ("#REDIRECTION [[Cible]]").
    redirect_to: Mapped[str | None] = mapped_column(String(255))

    def protection_level(self, now: datetime | None = None) -> str:
        """The role needed to edit the page now ("" when anyone registered may)."""
        if self.protection_until is not None and self.protection_until <= (now or utcnow()):
            return ""
        return self.protection

    latest: Mapped["Revision | None"] = relationship(
        foreign_keys=[latest_revision_id], post_update=True
    )
    portals: Mapped[list[Portal]] = relationship(
        secondary=page_portals, order_by=Portal.position, lazy="selectin"
    )


class Revision(Base):
    """An immutable version of a page; history is only ever appended to."""

    __tablename__ = "revisions"
    __table_args__ = (Index("ix_revisions_page_id_id", "page_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    text: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(String(500), default="")
    #: Size of the text in UTF-8 bytes, and the change from the parent revision.
    size: Mapped[int] = mapped_column(Integer)
    size_delta: Mapped[int] = mapped_column(Integer)
    sha1: Mapped[str] = mapped_column(String(40))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    risk_score: Mapped[int] = mapped_column(Integer, default=0)
    #: Codes of the risk signals this edit raised (see `wikiterritoire.risk`).
    risk_signals: Mapped[list[str]] = mapped_column(JSON, default=list)
    patrolled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: "published", or "pending" while held for review, then "published" or "rejected".
    #: A pending revision is never the page's current one until it is approved.
    status: Mapped[str] = mapped_column(String(16), default="published", index=True)
    #: Text hidden by a moderator (privacy): only moderators may read it; reversible.
    text_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The infobox at this revision (commune, quartier, period, address, coordinates, dates).
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    page: Mapped[Page] = relationship(foreign_keys=[page_id])
    author: Mapped[User | None] = relationship(lazy="joined")


class Link(Base):
    """A wikilink from a page's current revision to a title, existing or not."""

    __tablename__ = "links"

    from_page_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True
    )
    to_title: Mapped[str] = mapped_column(String(255), primary_key=True, index=True)


class RenderedRevision(Base):
    """Sanitized HTML of a revision, dropped when a linked title appears or disappears."""

    __tablename__ = "rendered_revisions"

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True
    )
    renderer_version: Mapped[int] = mapped_column(Integer)
    html: Mapped[str] = mapped_column(Text)
    toc_html: Mapped[str] = mapped_column(Text, default="")


class Event(Base):
    """The log of actions that are not edits: charter acceptances, protections, blocks…"""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()


class Report(Base):
    """A reader's report of a page or revision for moderators to look at."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id", ondelete="SET NULL"))
    #: None for an anonymous reader.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: "open", then "resolved" or "rejected" by a moderator.
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    page: Mapped[Page] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])


class WatchlistEntry(Base):
    """A page a user follows: its changes appear on the user's watchlist and feed."""

    __tablename__ = "watchlist"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    page_id: Mapped[int] = mapped_column(
        ForeignKey("pages.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AbuseRule(Base):
    """A moderator-written rule checked on every save: conditions, all of which must hold, and
    an action ("tag", "warn", "hold" or "refuse")."""

    __tablename__ = "abuse_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    action: Mapped[str] = mapped_column(String(16))
    #: Shown to the author for "warn" and "refuse".
    message: Mapped[str] = mapped_column(String(500), default="")
    #: Added to the tags of the edits the rule lets through ("" means "règle:<id>").
    tag: Mapped[str] = mapped_column(String(64), default="")
    #: [{"field": …, "op": …, "value": …}, …] (see `wikiterritoire.services.abuse`).
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    last_hit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AbuseHit(Base):
    """One firing of an abuse rule, for moderators to review what the rules caught."""

    __tablename__ = "abuse_hits"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("abuse_rules.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (Index("ix_abuse_hits_rule_id_id", "rule_id", "id"),)


class BlockedDomain(Base):
    """An external domain (and its subdomains) that no edit may add a link to."""

    __tablename__ = "blocked_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(255), unique=True)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CaptchaQuestion(Base):
    """A question about the territory that a person from here answers easily and a bot cannot."""

    __tablename__ = "captcha_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(300))
    #: Accepted answers, one per line; compared without case, accents or extra spaces.
    answers: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RateEvent(Base):
    """One counted action (an edit, a failed login…) by an account or an address; kept in the
    database so that limits hold across worker processes and restarts."""

    __tablename__ = "rate_events"
    __table_args__ = (Index("ix_rate_events_action_key_created_at", "action", "key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(32))
    #: "user:<id>" or "ip:<address>".
    key: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IpBlock(Base):
    """An address or network from which no account may be registered."""

    __tablename__ = "ip_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: An address or a CIDR network ("203.0.113.0/24").
    network: Mapped[str] = mapped_column(String(64), unique=True)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Setting(Base):
    """Wiki-wide settings that moderators change at run time (e.g. the moderation queue)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class Generation(Base):
    """One row counting changes to what readers see; anonymous pages are cached per value.

    Bumped in the same transaction as any change to pages, revisions, links or portals (see
    `wikiterritoire.freshness`), so a cached page is never older than the data it shows.
    """

    __tablename__ = "generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MediaFile(Base):
    """A photo of the media library: a stable name and its versions (none is ever dropped)."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Normalized file name with its extension, e.g. "Phare du Petit Minou.jpg"; unique.
    name: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    latest_version_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "media_versions.id",
            use_alter=True,
            name="fk_media_files_latest_version_id_media_versions",
        )
    )
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    latest: Mapped["MediaVersion | None"] = relationship(
        foreign_keys=[latest_version_id], post_update=True
    )


class MediaVersion(Base):
    """One uploaded version of a media file, with the metadata the uploader gave."""

    __tablename__ = "media_versions"
    __table_args__ = (Index("ix_media_versions_media_id_id", "media_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id", ondelete="CASCADE"))
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: SHA-256 of the stored bytes (after EXIF location stripping): finds duplicates.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    mime: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(200))
    #: "CC-BY-SA-4.0", "CC-BY-4.0", "CC0-1.0" or "permission".
    licence: Mapped[str] = mapped_column(String(32))
    #: When the photo was taken, as the uploader knows it ("1965", "juillet 1965", "1965-07-14").
    taken: Mapped[str] = mapped_column(String(64), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    alt: Mapped[str] = mapped_column(String(500))
    caption: Mapped[str] = mapped_column(String(1000), default="")
    #: The uploader chose to keep the GPS position found in the file.
    kept_location: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(String(500), default="")

    media: Mapped[MediaFile] = relationship(foreign_keys=[media_id])
    uploader: Mapped[User | None] = relationship(lazy="joined")
