"""The `wikiterritoire` command line; every command honours the WIKI_* variables."""

import secrets
import sys

import click

from . import create_app, migrate
from .errors import WikiError
from .services import accounts, pages
from .services import search as search_service


def _app():
    """The application, its database brought up to date first: every command can rely on it."""
    try:
        app = create_app()
    except ValueError as exc:  # a setting that cannot work, e.g. WIKI_SEARCH=postgres on SQLite
        _fail(str(exc))
    migrate.upgrade(app.config["DATABASE_URL"])
    # Hand the database connections back when the command ends, not when the process does.
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(app.extensions["wiki"].db.dispose)
    return app


def _fail(message: str):
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


@click.group(help="Wiki de territoire : administration en ligne de commande.")
def main():
    pass


def init_storage(app) -> None:
    """Build the search index if it is missing (`_app` has already upgraded the database)."""
    wiki = app.extensions["wiki"]
    with wiki.db.fresh_session() as session:
        if pages.count_pages(session) and not wiki.search.doc_count():
            search_service.reindex(session, wiki.search)


@main.command()
def init():
    """Crée ou met à jour la base de données et l'index de recherche."""
    app = _app()
    init_storage(app)
    click.echo(f"Base de données prête dans {app.config['DATA_DIR']}.")


@main.command()
def demo():
    """Charge un petit territoire de démonstration (portails, articles, utilisateurs)."""
    from .demo import load_demo

    app = _app()
    init_storage(app)
    wiki = app.extensions["wiki"]
    with wiki.db.fresh_session() as session:
        report = load_demo(session, wiki.search, app.config["PASSWORD_HASH_METHOD"])
    if report is None:
        click.echo("Le territoire de démonstration est déjà chargé : rien à faire.")
        return
    click.echo(
        f"Territoire de démonstration chargé : {report.portals} portails, {report.pages} articles, "
        f"{report.revisions} versions."
    )
    click.echo("Comptes créés (notez les mots de passe, ils ne seront plus affichés) :")
    for name, role, password in report.users:
        click.echo(f"  {name:<14} {role:<12} {password}")
    click.echo(
        f"Pour afficher le nom du territoire : WIKI_SITE_NAME='{report.site_name}' "
        f"WIKI_TERRITORY='{report.territory}' wikiterritoire serve"
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, workers: int, threads: int):
    """Sert le wiki avec un serveur WSGI de production (gunicorn)."""
    from .server import run

    app = _app()
    init_storage(app)
    # No database connection of this process may cross the fork into gunicorn's workers.
    app.extensions["wiki"].db.dispose()
    click.echo(f"Wiki servi sur http://{host}:{port}/ (Ctrl+C pour arrêter)")
    run(host, port, workers, threads)


@main.command("create-user")
@click.argument("name")
@click.option(
    "--role",
    default="contributor",
    show_default=True,
    help="Rôle : " + ", ".join(accounts.ASSIGNABLE_ROLES) + ".",
)
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l'entrée standard.")
def create_user(name: str, role: str, password_stdin: bool):
    """Crée un compte ; sans --password-stdin, un mot de passe est tiré au sort et affiché."""
    app = _app()
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else secrets.token_urlsafe(12)
    with app.extensions["wiki"].db.fresh_session() as session:
        try:
            user = accounts.create_user(
                session,
                name,
                password,
                role,
                charter_version=app.extensions["wiki"].charter.version,
                hash_method=app.config["PASSWORD_HASH_METHOD"],
            )
        except WikiError as exc:
            _fail(exc.message)
        click.echo(f"Compte « {user.name} » créé avec le rôle {role}.")
        if not password_stdin:
            click.echo(f"Mot de passe : {password}")


@main.command()
@click.argument("name")
def token(name: str):
    """Affiche un nouveau jeton d'API personnel pour cet utilisateur."""
    app = _app()
    with app.extensions["wiki"].db.fresh_session() as session:
        try:
            user = accounts.get_user(session, name)
        except WikiError as exc:
            _fail(exc.message)
        click.echo(accounts.create_token(session, user))


@main.command()
def reindex():
    """Reconstruit l'index de recherche à partir de la base de données."""
    app = _app()
    wiki = app.extensions["wiki"]
    with wiki.db.fresh_session() as session:
        total = pages.count_pages(session)
        with click.progressbar(length=total, label="Indexation", file=sys.stderr) as bar:
            count = search_service.reindex(session, wiki.search, bar.update)
    click.echo(f"{count} pages indexées.")


if __name__ == "__main__":  # pragma: no cover
    main()
