"""article kinds, places, redirects, media library

Revision ID: 0103
Revises: 0102
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0103"
down_revision: str | None = "0102"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "media_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("latest_version_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_files")),
        sa.UniqueConstraint("name", name=op.f("uq_media_files_name")),
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("slug", sa.String(length=160), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["places.id"],
            name=op.f("fk_places_parent_id_places"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("parent_id", "name", name="uq_places_parent_id_name"),
        sa.UniqueConstraint("slug", name=op.f("uq_places_slug")),
    )
    op.create_table(
        "media_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.Integer(), nullable=False),
        sa.Column("uploader_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("mime", sa.String(length=32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("licence", sa.String(length=32), nullable=False),
        sa.Column("taken", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("alt", sa.String(length=500), nullable=False),
        sa.Column("caption", sa.String(length=1000), nullable=False),
        sa.Column("kept_location", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["media_id"],
            ["media_files.id"],
            name=op.f("fk_media_versions_media_id_media_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploader_id"], ["users.id"], name=op.f("fk_media_versions_uploader_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_versions")),
    )
    with op.batch_alter_table("media_versions", schema=None) as batch_op:
        batch_op.create_index("ix_media_versions_media_id_id", ["media_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_media_versions_sha256"), ["sha256"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_media_versions_uploader_id"), ["uploader_id"], unique=False
        )
    # media files and their versions point at each other: the cycle is closed once both exist.
    with op.batch_alter_table("media_files", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_media_files_latest_version_id_media_versions",
            "media_versions",
            ["latest_version_id"],
            ["id"],
        )

    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "licence", sa.String(length=32), nullable=False, server_default="CC-BY-SA-4.0"
            )
        )
        batch_op.add_column(sa.Column("place_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("redirect_to", sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f("ix_pages_place_id"), ["place_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_pages_place_id_places"),
            "places",
            ["place_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fields", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.drop_column("fields")

    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pages_place_id_places"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_pages_place_id"))
        batch_op.drop_column("redirect_to")
        batch_op.drop_column("place_id")
        batch_op.drop_column("licence")

    with op.batch_alter_table("media_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_media_versions_uploader_id"))
        batch_op.drop_index(batch_op.f("ix_media_versions_sha256"))
        batch_op.drop_index("ix_media_versions_media_id_id")

    with op.batch_alter_table("media_files", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_media_files_latest_version_id_media_versions", type_="foreignkey"
        )
    op.drop_table("media_versions")
    op.drop_table("places")
    op.drop_table("media_files")
