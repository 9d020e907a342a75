"""PostgreSQL full-text search: French configuration with unaccent, search tables

Revision ID: 0100
Revises: 0004
Create Date: 2026-11-22

Only acts on PostgreSQL; on SQLite it does nothing (search lives in the Whoosh index there).
The tables belong to the `postgres` search backend (wikiterritoire/search/postgres_index.py), not to
the models: `migrate.include_name` keeps them out of autogenerate's comparison.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0100"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Token types of the default parser that are words; a hyphenated word counts as its parts.
WORD_TOKENS = "asciiword, word, numword"
PART_TOKENS = "hword_asciipart, hword_part, hword_numpart"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Both extensions are "trusted" (PostgreSQL 13+): the database owner may create them.
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # French stemming of accent-folded words: "Églises" and "eglise" both become "eglis".
    op.execute("CREATE TEXT SEARCH CONFIGURATION wiki_french (COPY = french)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION wiki_french "
        "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem"
    )
    # Whole words, folded but not stemmed: the vocabulary for "did you mean".
    op.execute("CREATE TEXT SEARCH CONFIGURATION wiki_words (PARSER = default)")
    op.execute(
        "ALTER TEXT SEARCH CONFIGURATION wiki_words "
        f"ADD MAPPING FOR {WORD_TOKENS}, {PART_TOKENS} WITH unaccent, simple"
    )
    op.create_table(
        "search_pages",
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("portals", postgresql.ARRAY(sa.Text()), nullable=False),
        #: The page's distinct folded words, to keep `search_words` counts right on updates.
        sa.Column("words", postgresql.ARRAY(sa.Text()), nullable=False),
        #: Title (weight A) and body (weight B) through wiki_french.
        sa.Column("document", postgresql.TSVECTOR(), nullable=False),
        sa.PrimaryKeyConstraint("page_id", name=op.f("pk_search_pages")),
    )
    op.create_index(
        "ix_search_pages_document", "search_pages", ["document"], postgresql_using="gin"
    )
    op.create_index("ix_search_pages_portals", "search_pages", ["portals"], postgresql_using="gin")
    op.create_table(
        "search_words",
        sa.Column("word", sa.Text(), nullable=False),
        #: How many indexed pages hold the word; it leaves the table at zero.
        sa.Column("doc_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_words")),
    )
    op.create_index(
        "ix_search_words_word_trgm",
        "search_words",
        ["word"],
        postgresql_using="gin",
        postgresql_ops={"word": "gin_trgm_ops"},
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_table("search_words")
    op.drop_table("search_pages")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS wiki_words")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS wiki_french")
    # The extensions stay: other objects of the database may use them.
