"""self-regulation: abuse rules, blocklist, captcha, rate limits, queue, hidden text

Revision ID: 0101
Revises: 0100
Create Date: 2026-11-22
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0101"
down_revision: str | None = "0100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


#: Accounts with fewer published edits than this count as new in the default rules.
NEW_ACCOUNT = {"field": "account_edits", "op": "lt", "value": 10}
#: Words that hurt, in added text; "*" accepts any ending.
INSULTS = [
    "connard*", "connasse*", "conasse*", "crétin*", "débile*", "abruti*", "imbécile*",
    "enculé*", "enfoiré*", "salope*", "salaud*", "pute", "putes", "putain*", "pétasse*",
    "ta gueule", "nique ta mère", "fdp", "fils de pute", "tocard*", "ducon", "raclure*",
    "sous-merde*", "merde*", "va te faire foutre", "pd",
]  # fmt: skip
#: Expressions of classic advertising spam, in added text.
SPAM = [
    "viagra", "cialis", "casino en ligne", "casinos en ligne", "online casino*",
    "crypto-monnaie*", "cryptomonnaie*", "crypto monnaie*", "prêt rapide", "prêts rapides",
    "crédit rapide", "rachat de crédit*", "gagnez de l'argent", "escort girl*",
    "rencontres coquines", "retour de l'être aimé", "retour affectif", "grand marabout",
    "voyant médium", "payday loan*", "buy cheap",
]  # fmt: skip
#: Two words or more in capitals and no small letter: shouting (acronyms alone are spared).
SHOUTING = r"^[^a-z]*[A-Z]{3,}\b[^a-z]*\b[A-Z]{3,}[^a-z]*$"

#: The rule set a new wiki starts with; moderators adjust it under /moderation/rules.
DEFAULT_RULES = [
    {
        "name": "Publicité indésirable (spam)",
        "description": "Expressions typiques de la publicité indésirable, ajoutées par un compte "
        "qui a publié moins de 10 modifications.",
        "action": "refuse",
        "tag": "spam",
        "message": "Votre modification contient des expressions typiques de la publicité "
        "indésirable : elle n'a pas été enregistrée, car le wiki n'accepte pas la publicité "
        "(voir la charte). Si c'est une erreur, écrivez à un modérateur : il pourra vous aider.",
        "conditions": [
            {"field": "added_text", "op": "contains_any", "value": SPAM},
            NEW_ACCOUNT,
        ],
    },
    {
        "name": "Insultes ajoutées par un nouveau compte",
        "description": "Mots injurieux dans le texte ajouté par un compte qui a publié moins de "
        "10 modifications. L'auteur est averti et peut publier quand même (une citation, "
        "par exemple) ; la modification est alors étiquetée.",
        "action": "warn",
        "tag": "insulte possible",
        "message": "Votre texte contient un mot qui peut blesser. Sur ce wiki, on parle des "
        "lieux et des gens avec respect (voir la charte). Si ce mot a sa place ici, par "
        "exemple dans une citation, vous pouvez publier à nouveau.",
        "conditions": [
            {"field": "added_text", "op": "contains_any", "value": INSULTS},
            NEW_ACCOUNT,
        ],
    },
    {
        "name": "Page presque vidée par un nouveau compte",
        "description": "Plus de 90 % des mots de la page retirés, et au moins 200 octets de "
        "moins, par un compte qui a publié moins de 10 modifications (réécrire entièrement une "
        "ébauche de quelques lignes reste donc libre).",
        "action": "warn",
        "tag": "page vidée",
        "message": "Vous êtes sur le point d'effacer presque tout le contenu de cette page. Si "
        "c'est voulu, expliquez pourquoi dans le résumé, puis publiez à nouveau : l'historique "
        "garde toutes les versions. Pour signaler une page qui pose problème, utilisez plutôt "
        "le lien « Signaler ».",
        "conditions": [
            {"field": "removed_ratio", "op": "gt", "value": 90},
            {"field": "size_delta", "op": "lt", "value": -200},
            NEW_ACCOUNT,
        ],
    },
    {
        "name": "Nombreux liens externes ajoutés par un nouveau compte",
        "description": "Plus de 3 liens vers d'autres sites ajoutés d'un coup par un compte qui "
        "a publié moins de 10 modifications : la modification attend une relecture.",
        "action": "hold",
        "tag": "liens externes",
        "message": "Votre modification ajoute plusieurs liens vers d'autres sites : elle sera "
        "publiée dès qu'un contributeur confirmé l'aura relue. Merci de votre patience !",
        "conditions": [{"field": "added_links", "op": "gt", "value": 3}, NEW_ACCOUNT],
    },
    {
        "name": "Résumé en majuscules",
        "description": "Un résumé écrit tout en capitales, souvent signe d'une modification "
        "faite sous le coup de la colère.",
        "action": "tag",
        "tag": "résumé en majuscules",
        "message": "",
        "conditions": [{"field": "summary", "op": "matches", "value": SHOUTING}],
    },
    {
        "name": "Titre en majuscules",
        "description": "Une page créée ou modifiée dont le titre est tout en capitales.",
        "action": "tag",
        "tag": "titre en majuscules",
        "message": "",
        "conditions": [{"field": "title", "op": "matches", "value": SHOUTING}],
    },
]  # fmt: skip


def _insert_default_rules() -> None:
    rules = sa.table(
        "abuse_rules",
        sa.column("name", sa.String),
        sa.column("description", sa.Text),
        sa.column("enabled", sa.Boolean),
        sa.column("action", sa.String),
        sa.column("message", sa.String),
        sa.column("tag", sa.String),
        sa.column("conditions", sa.JSON),
        sa.column("hits", sa.Integer),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
    )
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(
        rules,
        [
            {
                "name": rule["name"],
                "description": rule["description"],
                "enabled": True,
                "action": rule["action"],
                "message": rule["message"],
                "tag": rule["tag"],
                "conditions": rule["conditions"],
                "hits": 0,
                "created_at": now,
                "updated_at": now,
            }
            for rule in DEFAULT_RULES
        ],
    )


def upgrade() -> None:
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_events")),
    )
    with op.batch_alter_table("rate_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rate_events_action_key_created_at", ["action", "key", "created_at"], unique=False
        )

    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "abuse_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("last_hit_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_abuse_rules_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_abuse_rules")),
    )
    _insert_default_rules()
    op.create_table(
        "blocked_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_blocked_domains_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blocked_domains")),
        sa.UniqueConstraint("domain", name=op.f("uq_blocked_domains_domain")),
    )
    op.create_table(
        "captcha_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_captcha_questions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captcha_questions")),
    )
    op.create_table(
        "ip_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_ip_blocks_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_blocks")),
        sa.UniqueConstraint("network", name=op.f("uq_ip_blocks_network")),
    )
    op.create_table(
        "abuse_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["abuse_rules.id"],
            name=op.f("fk_abuse_hits_rule_id_abuse_rules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_abuse_hits_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_abuse_hits")),
    )
    with op.batch_alter_table("abuse_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_abuse_hits_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_abuse_hits_rule_id_id", ["rule_id", "id"], unique=False)

    with op.batch_alter_table("portals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("moderated", sa.Boolean(), nullable=False, server_default=sa.false())
        )

    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="published")
        )
        batch_op.add_column(
            sa.Column("text_hidden", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(batch_op.f("ix_revisions_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revisions_status"))
        batch_op.drop_column("text_hidden")
        batch_op.drop_column("status")

    with op.batch_alter_table("portals", schema=None) as batch_op:
        batch_op.drop_column("moderated")

    with op.batch_alter_table("abuse_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_abuse_hits_rule_id_id")
        batch_op.drop_index(batch_op.f("ix_abuse_hits_created_at"))

    op.drop_table("abuse_hits")
    op.drop_table("ip_blocks")
    op.drop_table("captcha_questions")
    op.drop_table("blocked_domains")
    op.drop_table("abuse_rules")
    op.drop_table("settings")
    with op.batch_alter_table("rate_events", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_events_action_key_created_at")

    op.drop_table("rate_events")
