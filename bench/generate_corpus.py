"""Generate a realistic, deterministic corpus of local-heritage articles in a fresh wiki.

The territory is Lanvénec, a FICTIONAL Breton harbour town: streets, neighbourhoods, trades,
boats, festivals, associations and inhabitants are drawn from word lists, and articles are built
from French sentence templates (Markdown with sections, lists, tables, footnotes and wikilinks).
The same `--seed` always gives the same titles and the same texts.

    .venv/bin/python bench/generate_corpus.py bench/out/corpus-2000 --articles 2000 --seed 1

Importable: `make_titles`, `article_text`, `article_for_seed`, `revise_text` and
`search_queries` are reused by `bench/run.py`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import secrets
import sys
import time
import unicodedata
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

TOWN = "Lanvénec"
MANIFEST = "bench-corpus.json"

# --- Word lists ---------------------------------------------------------------------------------

NEIGHBOURHOODS = [
    "Kerdréan", "Saint-Tugen", "Rosmeur", "Keranna", "Pen-ar-Vir", "Kergoat", "Traon-Bihan",
    "Kervéguen", "Stang-Vihan", "Lesquidic", "Porz-Gwenn", "Trez-Hir", "Kerzu", "Poul-Du",
    "Porz-Kozh", "Penn-ar-Lann",
]  # fmt: skip
STREET_TYPES = [
    "Rue", "Quai", "Venelle", "Place", "Impasse", "Chemin", "Allée", "Cale", "Escalier",
    "Route", "Boulevard", "Ruelle",
]  # fmt: skip
#: For sentences saying "la {street}".
FEMININE_STREET_TYPES = ["rue", "venelle", "place", "impasse", "cale", "route", "ruelle"]
MASCULINE_STREET_TYPES = {"Quai", "Chemin", "Boulevard", "Escalier"}
STREET_NAMES = [
    "des Calfats", "des Cordiers", "des Sardinières", "du Moulin", "de la Criée",
    "des Goémoniers", "de la Fontaine", "du Lavoir", "des Douaniers", "de la Chapelle",
    "du Four", "des Tonneliers", "des Voiliers", "des Mouettes", "de la Digue", "du Sémaphore",
    "de Kerdréan", "de Keranna", "du Stang", "de la Grève", "des Écoles", "des Pilotes",
    "de la Poste", "des Halles", "du Calvaire", "des Forges", "de l'Église", "des Embruns",
    "du Port-Neuf", "Jean-Marie Le Bris", "Anatole Le Braz", "Joséphine Pencalet",
    "Yves Le Corre", "du Commandant Charcot", "des Terre-Neuvas", "des Thoniers",
    "de la Résistance", "du 8-Mai-1945", "Saint-Tugen", "de la Cale-Sèche", "des Rameurs",
    "des Brodeuses", "des Hortensias", "des Ajoncs", "de la Lande", "du Menhir", "du Phare",
    "de Traon-Bihan", "des Filets", "du Vieux-Port",
]  # fmt: skip
FIRST_NAMES = [
    "Yann", "Corentin", "Goulven", "Hervé", "Loïc", "Ronan", "Tanguy", "Erwan", "Gwenaël",
    "Jakez", "Per", "Fañch", "Yves", "Jean-Marie", "Pierre", "Joseph", "Louis", "Alain",
    "Guénolé", "Mathurin", "Maïwenn", "Soizic", "Anne", "Marie-Jo", "Nolwenn", "Gwenola",
    "Katell", "Rozenn", "Annaïg", "Yvonne", "Jeanne", "Marguerite", "Mona", "Morgane",
    "Armelle", "Francine", "Denise", "Germaine", "Thérèse", "Lénaïg",
]  # fmt: skip
LAST_NAMES = [
    "Le Gall", "Le Bris", "Kerbrat", "Le Goff", "Tanguy", "Guivarc'h", "Le Floc'h", "Morvan",
    "Quéméner", "Le Dréau", "Jaouen", "Moal", "Cadiou", "Le Roux", "Abgrall", "Pennec",
    "Le Bihan", "Le Meur", "Caradec", "Le Corre", "Salaün", "Kervella", "Guéguen", "Le Hir",
    "Riou", "Le Berre", "Prigent", "Stéphan", "Le Coz", "Cloarec", "Nédélec", "Bothorel",
    "Queffélec", "Gourmelon", "Le Saux", "Postic", "Tréguer", "Hamon", "Le Page", "Lozac'h",
]  # fmt: skip
OCCUPATIONS = [
    "charpentier de marine", "patron pêcheur", "sardinière", "institutrice",
    "gardien de phare", "sonneur de biniou", "boulangère", "mareyeur", "maire de la commune",
    "photographe", "ramendeuse", "brodeuse", "cafetière", "goémonier", "douanier",
    "pilote du port", "recteur de la paroisse", "sage-femme", "cheffe de chœur", "footballeur",
    "forgeron", "conteuse", "maître de port", "cordier", "instituteur",
]  # fmt: skip
SAINTS = [
    "Tugen", "Guénolé", "Yves", "Anne", "Herbot", "Ronan", "Corentin", "Nicodème", "Pol",
    "Mathieu", "Gildas", "Nonna", "Divy", "Tudy",
]  # fmt: skip
POINTS = [
    "Beg-ar-Groaz", "Karreg-Hir", "Beg-Melen", "Roc'h-Ruz", "Men-Du", "Enez-Vihan",
    "Beg-Lann", "Penn-Kastell",
]  # fmt: skip
BEACHES = ["Porz-Gwenn", "Trez-Hir", "Porz-Kloz", "Aod-Vras", "Porz-Ru", "Trez-Bihan"]
BOATS = [
    "Marie-Jeanne", "Notre-Dame-de-Rumengol", "Ar Vag", "Sainte-Anne", "Étoile du Matin",
    "Petit Yves", "Reine des Flots", "Kenavo", "Men Glaz", "Avel Vor", "Brise de Mer",
    "Gwalarn", "Mouette Rieuse", "Deux Frères", "Trois Sœurs", "Bon Pêcheur", "Espérance",
    "Jeune Soizic", "Saint-Tugen", "Korrigan",
]  # fmt: skip
BOAT_TYPES = ["chalutier", "thonier", "canot de sauvetage", "goélette", "dundee", "sardinier"]
CAFES = [
    "de la Marine", "des Sports", "du Port", "Ty Coz", "de la Cale", "des Amis", "du Phare",
    "de la Criée", "des Pêcheurs", "du Commerce",
]  # fmt: skip
BUSINESS_KINDS = [
    "Conserverie", "Boulangerie", "Chantier naval", "Forge", "Quincaillerie", "Biscuiterie",
    "Mareyage", "Épicerie", "Voilerie", "Tonnellerie", "Corderie", "Imprimerie",
]  # fmt: skip
MONTHS = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip
FESTIVALS = [
    "la fête de la sardine", "le pardon de Saint-Tugen", "les régates d'été",
    "le fest-noz de la halle", "la fête des brodeuses", "la bénédiction de la mer",
    "le festival des chants de marins", "la fête du goémon", "la Saint-Jean",
    "le carnaval des écoles",
]  # fmt: skip
TRADES_PL = [
    "les sardinières", "les calfats", "les goémoniers", "les ramendeuses", "les cordiers",
    "les mareyeurs", "les douaniers", "les charpentiers de marine", "les brodeuses",
    "les tonneliers", "les dockers", "les pilotes",
]  # fmt: skip
OBJECTS = [
    "une coiffe brodée", "un vieux filet à sardines", "une maquette de thonier",
    "une photographie jaunie", "un registre de la criée", "une cloche de brume",
    "un livret de caisse d'épargne", "une plaque émaillée", "un sabot de bois",
    "une carte postale de 1912", "une ancre rouillée", "un biniou",
]  # fmt: skip
FOODS = [
    "des crêpes de froment", "du kig ha farz", "des sardines grillées", "du far aux pruneaux",
    "du cidre", "des palourdes", "des galettes de blé noir", "du kouign-amann",
]  # fmt: skip
WEATHER = [
    "par un matin de brume", "sous une pluie battante", "par grand vent de suroît",
    "par une belle journée de printemps", "au cœur de l'hiver", "à la marée d'équinoxe",
]  # fmt: skip
ASSOC_NAMES = [
    "Mémoire de Lanvénec", "Les Amis du Vieux-Port", "Patrimoine maritime de Lanvénec",
    "Lanvénec Accueil", "Les Jardins de Kerzu", "Sauvegarde des chapelles",
    "Radio Lanvénec", "Les Voix de la Cale",
]  # fmt: skip
MISSING_TOPICS = [
    "Histoire de la pêche à la sardine", "Liste des maires de Lanvénec",
    "Coiffes du pays de Lanvénec", "Dialecte breton de Lanvénec", "Tramway de Lanvénec",
    "Cadastre napoléonien de Lanvénec", "Fours à goémon", "Abri du marin de Lanvénec",
    "Gare de Lanvénec", "Marées noires en Bretagne", "Compagnie des phares et balises",
    "Usine électrique de Lanvénec",
]  # fmt: skip

PORTALS = [
    ("histoire", "Histoire", "#8a4b2a"),
    ("quartiers", "Quartiers", "#2d6a7a"),
    ("mer-et-port", "Mer et port", "#1f4e79"),
    ("culture", "Culture", "#7a2e6b"),
    ("associations", "Associations", "#2e6b4f"),
    ("personnalites", "Personnalités", "#5b3f8a"),
    ("sport", "Sport", "#b03a2e"),
    ("nature", "Nature", "#3b6b2a"),
    ("economie", "Économie", "#7a5a10"),
    ("memoire-guerre", "Mémoire de la guerre", "#4a4a4a"),
]
USERS = [
    ("Maïwenn", "contributor"),
    ("Yann Kerbrat", "contributor"),
    ("Soizic", "confirmed"),
    ("Goulven", "confirmed"),
    ("Médiathèque de Lanvénec", "mediator"),
    ("Katell", "moderator"),
    ("Admin Lanvénec", "admin"),
    ("bench-editor", "confirmed"),
]
#: The account whose API token `bench/run.py` uses for the save benchmark.
BENCH_USER = "bench-editor"

# --- Titles -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TitleSpec:
    title: str
    category: str
    #: The name of the subject inside sentences ("la rue des Calfats", "Yvonne Le Goff").
    subject: str
    portals: tuple[str, ...]
    kind: str = "description"


def _lc_first(text: str) -> str:
    return text[0].lower() + text[1:] if text else text


def _de(word: str) -> str:
    """French elision: "de avril" → "d'avril"."""
    return f"d'{word}" if word[:1].lower() in "aeiouyéèâîôh" else f"de {word}"


def _of(phrase: str) -> str:
    """ "de" before a noun phrase: "la fête" → "de la fête", "le pardon" → "du pardon"."""
    if phrase.startswith("le "):
        return "du " + phrase[3:]
    if phrase.startswith("les "):
        return "des " + phrase[4:]
    return _de(phrase)


def _business(kind: str) -> str:
    """ "Forge" → "la forge"; "Chantier naval" → "le chantier naval"; "Épicerie" → "l'épicerie"."""
    word = _lc_first(kind)
    if word[0] in "aeiouéh":
        return "l'" + word
    return ("le " if kind.startswith(("Chantier", "Mareyage")) else "la ") + word


def _street_subject(title: str) -> str:
    kind = title.split(" ", 1)[0]
    if kind[0] in "AEIOUÉ":
        return "l'" + _lc_first(title)
    return ("le " if kind in MASCULINE_STREET_TYPES else "la ") + _lc_first(title)


def _title_for(rng: random.Random) -> TitleSpec:
    """One random title of a random category (duplicates are filtered by `make_titles`)."""
    category = rng.choices(
        [
            "street", "person", "business", "event", "boat", "building", "place", "association",
            "memory", "neighbourhood", "war",
        ],
        weights=[18, 22, 12, 12, 6, 8, 6, 5, 7, 2, 2],
    )[0]  # fmt: skip
    nb = rng.choice(NEIGHBOURHOODS)
    year = rng.randint(1880, 2015)
    if category == "street":
        title = f"{rng.choice(STREET_TYPES)} {rng.choice(STREET_NAMES)}"
        return TitleSpec(title, category, _street_subject(title), ("quartiers", "histoire"))
    if category == "person":
        title = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        return TitleSpec(title, category, title, ("personnalites",))
    if category == "business":
        kind = rng.choice(BUSINESS_KINDS)
        if rng.random() < 0.25:
            cafe = rng.choice(CAFES)
            title, subject = f"Café {cafe} ({nb})", f"le café {cafe}"
        else:
            name = rng.choice(LAST_NAMES)
            title, subject = f"{kind} {name}", f"{_business(kind)} {name}"
        return TitleSpec(title, category, subject, ("economie",))
    if category == "event":
        form = rng.randrange(6)
        if form == 0:
            title = f"Tempête {_de(rng.choice(MONTHS))} {year}"
            return TitleSpec(title, category, _lc_first(title), ("histoire", "nature"))
        if form == 1:
            title = f"Grève des sardinières de {rng.randint(1900, 1935)}"
            return TitleSpec(title, category, _lc_first(title), ("histoire", "economie"))
        if form == 2:
            regatta_year = rng.randint(1920, 2015)
            title = f"Régates de {TOWN} {regatta_year}"
            subject = f"les régates de {regatta_year}"
            return TitleSpec(title, category, subject, ("sport", "mer-et-port"))
        if form == 3:
            title = f"Pardon de Saint-{rng.choice(SAINTS)} {year}"
            return TitleSpec(title, category, _lc_first(title), ("culture",))
        if form == 4:
            title = f"Fête de la sardine {rng.randint(1950, 2015)}"
            return TitleSpec(title, category, _lc_first(title), ("culture", "mer-et-port"))
        business = _business(rng.choice(BUSINESS_KINDS))
        title = f"Incendie {_of(business)} {rng.choice(LAST_NAMES)}"
        return TitleSpec(title, category, _lc_first(title), ("histoire", "economie"))
    if category == "boat":
        name = rng.choice(BOATS)
        title = f"{name} ({rng.choice(BOAT_TYPES)})"
        return TitleSpec(title, category, f"le {name}", ("mer-et-port",))
    if category == "building":
        form = rng.randrange(7)
        title = [
            f"Chapelle Saint-{rng.choice(SAINTS)}",
            f"Fontaine Saint-{rng.choice(SAINTS)}",
            f"Lavoir de {nb}",
            f"Moulin de {nb}",
            f"Manoir de {nb}",
            f"Calvaire de {nb}",
            f"École de {nb}",
        ][form]
        return TitleSpec(title, category, _lc_first(title), ("histoire", "quartiers"))
    if category == "place":
        form = rng.randrange(5)
        title = [
            f"Phare de {rng.choice(POINTS)}",
            f"Sémaphore de {rng.choice(POINTS)}",
            f"Plage de {rng.choice(BEACHES)}",
            f"Pointe de {rng.choice(POINTS)}",
            f"Dunes de {rng.choice(BEACHES)}",
        ][form]
        return TitleSpec(title, category, _lc_first(title), ("nature", "mer-et-port"))
    if category == "association":
        form = rng.randrange(6)
        title = [
            f"Cercle celtique de {nb}",
            f"Bagad de {nb}",
            f"Amicale laïque de {nb}",
            f"Union sportive de {nb}",
            f"Comité des fêtes de {nb}",
            f"Association {rng.choice(ASSOC_NAMES)}",
        ][form]
        portals = ("sport", "associations") if form == 3 else ("associations", "culture")
        return TitleSpec(title, category, _lc_first(title), portals)
    if category == "memory":
        form = rng.randrange(5)
        title = [
            f"Souvenirs {_of(_business(rng.choice(BUSINESS_KINDS)))} {rng.choice(LAST_NAMES)}",
            f"Mon enfance à {nb}",
            f"Un hiver à {nb} en {year}",
            f"Les jeudis au café {rng.choice(CAFES)}",
            f"Souvenirs {_of(rng.choice(FESTIVALS))} {year}",
        ][form]
        return TitleSpec(title, category, "le lieu évoqué ici", ("histoire",), kind="testimony")
    if category == "war":
        title = rng.choice(
            [
                f"Bombardement de {nb}",
                f"Occupation de {nb}",
                f"Libération de {nb}",
                f"Réfugiés de {nb} en 1944",
            ]
        )
        return TitleSpec(title, category, _lc_first(title), ("memoire-guerre", "histoire"))
    title = f"{nb} (quartier)"
    return TitleSpec(title, "neighbourhood", f"le quartier de {nb}", ("quartiers",))


def make_titles(n: int, seed: int = 1) -> list[TitleSpec]:
    """`n` distinct titles, the same for the same seed; the town's own article comes first."""
    rng = random.Random(f"titles:{seed}")
    specs = [TitleSpec(f"{TOWN}-sur-Mer", "town", TOWN, ("histoire", "quartiers"))]
    seen = {specs[0].title.casefold()}
    for _ in range(n * 50):
        if len(specs) >= n:
            break
        spec = _title_for(rng)
        if spec.title.casefold() not in seen:
            seen.add(spec.title.casefold())
            specs.append(spec)
    # Word lists exhausted (very large corpora): numbered homonyms, as a wiki disambiguates them.
    originals, number = list(specs), 2
    while len(specs) < n:
        for base in originals[1:]:
            if len(specs) >= n:
                break
            title = f"{base.title} ({number})"
            specs.append(TitleSpec(title, base.category, base.subject, base.portals, base.kind))
        number += 1
    return specs[:n]


# --- Sentences ----------------------------------------------------------------------------------

SENTENCES = [
    "Au début du XXe siècle, {subject} faisait déjà partie du paysage de {nb}.",
    "Les archives municipales mentionnent {subject} pour la première fois en {year}.",
    "En {year}, {person}, {occupation}, s'installe à deux pas de la {street_lc}.",
    "Dans les {decade}, on venait de tout le pays de {town} pour voir {festival}.",
    "{Weather}, {trades} descendaient vers le port avant même le lever du jour.",
    "La municipalité décide en {year} d'élargir la {street_lc}, au grand dam des riverains.",
    "Les anciens se souviennent de l'odeur de la friture et du bruit des sabots sur les pavés.",
    "On y comptait alors {n} maisons, une forge, deux cafés et une épicerie-buvette.",
    "Après la guerre, la reconstruction transforme profondément le quartier de {nb}.",
    "Le bâtiment, en granit de Kersanton, a été restauré en {year} par des bénévoles.",
    "{person} raconte qu'on y dansait le samedi soir au son de l'accordéon et du biniou.",
    "Les registres de la criée indiquent {n} tonnes de sardines débarquées cette année-là.",
    "Le chantier employait jusqu'à {n} ouvriers, charpentiers et calfats pour la plupart.",
    "La tempête {de_month} {year} emporta une partie de la digue et trois canots.",
    "C'est ici que {trades} se retrouvaient pour réclamer de meilleurs salaires.",
    "Le recteur y bénissait les bateaux chaque année à l'occasion de {festival}.",
    "Une plaque, posée en {year}, rappelle le souvenir des marins disparus en mer.",
    "Les enfants de l'école de {nb} y venaient pêcher des crevettes à marée basse.",
    "On y servait {food} le dimanche après la messe.",
    "Le conseil municipal a classé l'ensemble au patrimoine communal en {year}.",
    "L'association {assoc} a recueilli de nombreux témoignages à ce sujet.",
    "En {year}, la commune comptait environ {population} habitants.",
    "La ligne de chemin de fer, ouverte en 1894, avait changé la vie de {nb}.",
    "Les femmes de {nb} portaient encore la coiffe le dimanche dans les {decade}.",
    "Le port se vide peu à peu de ses sardiniers à partir des {decade}.",
    "Aujourd'hui encore, {subject} attire les promeneurs et les photographes.",
    "{person} conserve précieusement {object}, dernier témoin de cette époque.",
    "Il fallait alors une bonne heure pour rejoindre {nb} à pied par le chemin côtier.",
    "Les goémoniers brûlaient le varech dans des fours de pierre pour en tirer la soude.",
    "Pendant l'Occupation, la {street_lc} fut barrée par des chicanes et des barbelés.",
    "Le lavoir résonnait des conversations des femmes du quartier, été comme hiver.",
    "La cloche de la chapelle Saint-{saint} annonçait le retour des bateaux.",
    "Le nom breton du lieu rappelle la présence ancienne d'un moulin à marée.",
    "Les pêcheurs de {nb} partaient pour plusieurs semaines vers les côtes d'Irlande.",
    "Une photographie de {year} montre la foule massée sur le quai pour {festival}.",
    "Les commerçants de la {street_lc} avaient formé une association dès {year}.",
    "On raconte qu'un trésor de corsaire aurait été caché sous les rochers de {point}.",
    "La conserverie fermait ses portes chaque hiver, faute de poisson.",
    "Dans les {decade}, la plage de {beach} devient un lieu de baignade très fréquenté.",
    "La municipalité a acquis le terrain en {year} pour y aménager un jardin public.",
    "Le sentier des douaniers longe la côte de {point} jusqu'à la plage de {beach}.",
    "Des fouilles menées en {year} ont mis au jour des tessons de poterie médiévale.",
    "Chaque été, les estivants découvrent avec curiosité {festival}.",
    "{person} se souvient : « On n'avait pas grand-chose, mais on partageait tout. »",
    "L'église paroissiale fut agrandie en {year} grâce aux dons des familles de marins.",
    "Les bateaux rentraient au port à la voile, chargés jusqu'au plat-bord.",
    "Le quartier de {nb} doit son caractère à ses maisons basses de pêcheurs.",
    "Un incendie ravagea en {year} plusieurs entrepôts de la {street_lc}.",
    "Le premier bureau de poste de {town} ouvre ses portes en {year}.",
    "L'électricité n'arrive à {nb} qu'en {year}, bien après le centre-bourg.",
]
TESTIMONY = [
    "Je me souviens très bien de cette époque : j'avais à peine dix ans.",
    "Ma grand-mère travaillait à la conserverie, les mains toujours gercées par la saumure.",
    "Le dimanche, nous allions en famille jusqu'à la plage de {beach}.",
    "Mon père partait en mer le lundi et ne rentrait que le samedi soir.",
    "Nous avions peur du gardien du phare, qui ne parlait que breton.",
    "Le soir, on écoutait {person} raconter des histoires de naufrages au coin du feu.",
    "Je revois encore {festival} en {year}, les bannières et les cantiques.",
    "À l'école de {nb}, la maîtresse nous interdisait de parler breton dans la cour.",
    "On allait chercher le lait à la ferme de Kerzu avec un bidon en fer-blanc.",
    "Quand la sirène de la conserverie sonnait, toutes les femmes couraient vers le port.",
]
LIST_ITEMS = [
    "la {street_lc}, bordée de maisons d'armateurs ;",
    "la chapelle Saint-{saint} et son calvaire ;",
    "le lavoir de {nb}, restauré en {year} ;",
    "la cale de {point}, d'où partaient les canots ;",
    "{object}, conservé à la mairie ;",
    "les anciennes halles, transformées en salle des fêtes ;",
    "le sentier côtier vers la plage de {beach} ;",
    "le monument aux morts, inauguré en 1921 ;",
    "les fours à goémon de la pointe de {point} ;",
    "la maison natale de {person} ;",
]
SECTIONS = {
    "street": ["Origine du nom", "Histoire", "Les commerces", "Architecture", "Aujourd'hui"],
    "person": ["Jeunesse", "Vie professionnelle", "Engagements", "Vie de famille", "Hommages"],
    "business": ["Fondation", "Les ouvriers", "Les années fastes", "Déclin", "Le bâtiment"],
    "event": ["Contexte", "Déroulement", "Les conséquences", "Dans la mémoire locale"],
    "boat": ["Construction", "Campagnes de pêche", "L'équipage", "Fin de carrière"],
    "building": ["Histoire", "Architecture", "Restauration", "Légendes", "Accès"],
    "place": ["Géographie", "Histoire", "Faune et flore", "Protection", "Accès"],
    "association": ["Création", "Activités", "Les bénévoles", "Événements", "Aujourd'hui"],
    "memory": ["Les débuts", "La vie de tous les jours", "Ce qui a changé", "Ce que je garde"],
    "neighbourhood": ["Situation", "Histoire", "Vie du quartier", "Patrimoine", "Aujourd'hui"],
    "war": ["Contexte", "Les faits", "Témoignages", "Après la guerre", "Mémoire"],
    "town": ["Géographie", "Histoire", "Économie", "Culture", "Quartiers", "Patrimoine"],
}
EXTRA_SECTIONS = ["Anecdotes", "Souvenirs d'habitants", "Chronologie", "Le saviez-vous ?"]
LINK_SENTENCES = [
    "Voir aussi l'article [[{link}]].",
    "Son histoire croise celle de [[{link}]].",
    "On en trouve une description détaillée dans l'article [[{link}|{label}]].",
    "Les habitants le rapprochent souvent de [[{link}]].",
    "Pour le contexte, lire [[{link}]].",
    "Plusieurs témoignages évoquent aussi [[{link}]].",
]


def _fill(template: str, rng: random.Random, subject: str) -> str:
    year = rng.randint(1860, 2015)
    values = {
        "subject": subject,
        "nb": rng.choice(NEIGHBOURHOODS),
        "year": year,
        "decade": f"années {rng.randrange(1900, 2000, 10)}",
        "person": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "occupation": rng.choice(OCCUPATIONS),
        "street_lc": f"{rng.choice(FEMININE_STREET_TYPES)} {rng.choice(STREET_NAMES)}",
        "festival": rng.choice(FESTIVALS),
        "trades": rng.choice(TRADES_PL),
        "n": rng.randint(3, 400),
        "population": rng.randint(1800, 9500),
        "de_month": _de(rng.choice(MONTHS)),
        "food": rng.choice(FOODS),
        "assoc": rng.choice(ASSOC_NAMES),
        "object": rng.choice(OBJECTS),
        "saint": rng.choice(SAINTS),
        "point": rng.choice(POINTS),
        "beach": rng.choice(BEACHES),
        "town": TOWN,
        "Weather": rng.choice(WEATHER).capitalize(),
    }
    text = template.format(**values)
    return text[0].upper() + text[1:]


def _paragraph(rng: random.Random, spec: TitleSpec, pool: list[str], count: int) -> str:
    return " ".join(_fill(t, rng, spec.subject) for t in rng.sample(pool, count))


def _table(rng: random.Random) -> str:
    form = rng.randrange(3)
    if form == 0:
        years = sorted(rng.sample(range(1850, 2020, 5), 5))
        rows = [f"| {y} | {rng.randint(1800, 9500):,} |".replace(",", "\u202f") for y in years]
        return "\n".join(["| Année | Habitants |", "|---|---:|", *rows])
    if form == 1:
        years = sorted(rng.sample(range(1900, 1980), 4))
        rows = [f"| {y} | {rng.randint(40, 2500)} | {rng.randint(5, 60)} |" for y in years]
        return "\n".join(
            ["| Saison | Sardines débarquées (t) | Bateaux |", "|---|---:|---:|", *rows]
        )
    rows = [
        f"| {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} | {rng.choice(OCCUPATIONS)} | "
        f"{(a := rng.randint(1900, 1990))}–{a + rng.randint(3, 30)} |"
        for _ in range(rng.randint(3, 6))
    ]
    return "\n".join(["| Nom | Rôle | Années |", "|---|---|---|", *rows])


def _chronology(rng: random.Random, spec: TitleSpec) -> str:
    years = sorted(rng.sample(range(1850, 2020), rng.randint(4, 8)))
    return "\n".join(
        f"- **{y}** : {_lc_first(_fill(rng.choice(SENTENCES), rng, spec.subject))}" for y in years
    )


def _words(text: str) -> int:
    return len(text.split())


def article_text(
    spec: TitleSpec,
    seed: int,
    link_pool: list[str],
    missing_pool: list[str] | None = None,
) -> str:
    """The Markdown of one article, deterministic for (`spec`, `seed`).

    :param link_pool: titles to link to (2–8 links are drawn from it).
    :param missing_pool: titles of pages that do not exist, for 0–2 red links.
    """
    rng = random.Random(f"article:{seed}:{spec.title}")
    target = rng.randint(300, 1500)
    pool = TESTIMONY + SENTENCES if spec.kind == "testimony" else SENTENCES
    links = rng.sample(
        [t for t in link_pool if t != spec.title], min(rng.randint(2, 8), len(link_pool) - 1)
    )
    missing = (
        rng.sample(missing_pool or MISSING_TOPICS, rng.randint(0, 2)) if rng.random() < 0.6 else []
    )
    nb = rng.choice(NEIGHBOURHOODS)
    if spec.category == "person":
        life = f"({rng.randint(1870, 1960)}–{rng.randint(1961, 2020)})"
        lead = f"{life} fut {rng.choice(OCCUPATIONS)} à {TOWN}."
    elif spec.category == "street":
        lead = f"est une voie du quartier de {nb}, à {TOWN}."
    elif spec.category == "town":
        lead = "est une commune littorale fictive du Finistère, au fond d'une ria."
    elif spec.category == "memory":
        lead = (
            "est un témoignage recueilli lors d'un atelier d'écriture de la médiathèque "
            f"en {rng.randint(2008, 2024)}."
        )
    else:
        lead = f"est un sujet lié à l'histoire de {TOWN}, dans le quartier de {nb}."
    intro = f"**{spec.title}** {lead}"
    blocks = [intro + " " + _paragraph(rng, spec, pool, rng.randint(2, 4))]
    headings = list(SECTIONS.get(spec.category, SECTIONS["place"]))
    rng.shuffle(headings)
    headings += rng.sample(EXTRA_SECTIONS, 2)
    used_table = used_footnote = False
    for heading in headings:
        if sum(_words(b) for b in blocks) >= target:
            break
        blocks.append(f"## {heading}")
        if heading == "Chronologie":
            blocks.append(_chronology(rng, spec))
            continue
        for _ in range(rng.randint(1, 3)):
            blocks.append(_paragraph(rng, spec, pool, rng.randint(3, 7)))
        roll = rng.random()
        if roll < 0.25:
            items = rng.sample(LIST_ITEMS, rng.randint(3, 6))
            filled = [_lc_first(_fill(i, rng, spec.subject)) for i in items]
            filled[-1] = filled[-1].rstrip(" ;") + "."
            blocks.append("\n".join(f"- {i}" for i in filled))
        elif roll < 0.35 and not used_table:
            blocks.append(_table(rng))
            used_table = True
        elif roll < 0.45 and spec.kind == "testimony":
            blocks.append("> « " + _fill(rng.choice(TESTIMONY), rng, spec.subject) + " »")
    # Links: woven into paragraphs, one "Voir aussi" list for the rest.
    paragraphs = [i for i, b in enumerate(blocks) if not b.startswith(("#", "-", "|", ">"))]
    see_also = []
    for title in links + missing:
        if rng.random() < 0.6 and paragraphs:
            i = rng.choice(paragraphs)
            label = _lc_first(title.split(" (")[0])
            blocks[i] += " " + rng.choice(LINK_SENTENCES).format(link=title, label=label)
        else:
            see_also.append(title)
    if rng.random() < 0.2 and paragraphs:
        blocks[paragraphs[0]] += "[^1]"
        used_footnote = True
    if see_also:
        blocks.append("## Voir aussi")
        blocks.append("\n".join(f"- [[{t}]]" for t in see_also))
    if used_footnote:
        blocks.append(
            f"[^1]: Témoignage recueilli par l'association {rng.choice(ASSOC_NAMES)} "
            f"en {rng.randint(1995, 2024)}."
        )
    return "\n\n".join(blocks) + "\n"


def revise_text(text: str, seed: int | str) -> tuple[str, str]:
    """A plausible later revision of `text` and its edit summary."""
    rng = random.Random(f"revise:{seed}")
    spec = TitleSpec("", "memory", "ce lieu", ())
    form = rng.randrange(3)
    if form == 0:
        addition = (
            "## Souvenirs d'habitants\n\n> « " + _fill(rng.choice(TESTIMONY), rng, "ce lieu") + " »"
        )
        return text.rstrip("\n") + "\n\n" + addition + "\n", "Ajout d'un souvenir"
    if form == 1:
        paragraph = _paragraph(rng, spec, SENTENCES, rng.randint(2, 4))
        parts = text.split("\n\n")
        at = rng.randint(1, max(1, len(parts) - 1))
        parts.insert(at, paragraph)
        return "\n\n".join(parts), "Compléments d'après les archives municipales"
    # A small correction: change one year, as a careful reader would (never inside a wikilink).
    years = [
        m
        for m in re.finditer(r"\b(1[89]\d\d)\b", text)
        if text.rfind("[[", 0, m.start()) <= text.rfind("]]", 0, m.start())
    ]
    if not years:
        sentence = _fill(rng.choice(SENTENCES), rng, "ce lieu")
        return text.rstrip("\n") + "\n\nMise à jour : " + sentence + "\n", "Mise à jour"
    m = rng.choice(years)
    new_year = str(int(m.group(1)) + rng.choice([-2, -1, 1, 2]))
    return text[: m.start()] + new_year + text[m.end() :], "Correction d'une date"


def article_for_seed(seed: int, articles: int = 2000) -> tuple[str, str]:
    """(title, Markdown) of one article of the corpus generated with `seed`, chosen by `seed`."""
    specs = make_titles(articles, seed)
    spec = specs[random.Random(f"pick:{seed}").randrange(len(specs))]
    return spec.title, article_text(spec, seed, [s.title for s in specs])


# --- Search queries -----------------------------------------------------------------------------


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def search_queries(n: int = 200, seed: int = 1) -> list[str]:
    """French queries built from the corpus vocabulary: words, phrases, plurals, accent variants."""
    rng = random.Random(f"queries:{seed}")
    singles = [
        "sardine", "conserverie", "chapelle", "lavoir", "phare", "goémonier", "criée",
        "tempête", "pardon", "régates", "calfat", "coiffe", "brodeuse", "douanier", "moulin",
        "digue", "biniou", "fest-noz", "thonier", "chalutier", "école", "naufrage", "varech",
        "bombardement", "libération", "sémaphore", "plage", "dunes", "manoir", "calvaire",
    ]  # fmt: skip
    phrases = [
        "chantier naval", "fête de la sardine", "pardon de Saint-Tugen", "fours à goémon",
        "maisons de pêcheurs", "école de Kerdréan", "chemin côtier", "marée basse",
        "monument aux morts", "canot de sauvetage", "sentier des douaniers", "coiffe brodée",
        "moulin à marée", "salle des fêtes", "bénédiction de la mer", "chants de marins",
    ]  # fmt: skip
    plurals = [
        "chantiers navals", "sardinières", "conserveries", "chapelles", "lavoirs", "phares",
        "goémoniers", "tempêtes", "calfats", "coiffes brodées", "douaniers", "naufrages",
        "fêtes", "marins disparus", "pêcheurs", "cafés",
    ]  # fmt: skip
    names = NEIGHBOURHOODS + LAST_NAMES + [f"Saint-{s}" for s in SAINTS] + POINTS + BEACHES
    candidates: list[str] = []
    candidates += singles + phrases + plurals
    candidates += [_fold(q) for q in singles + phrases + plurals if _fold(q) != q]
    candidates += [n.lower() for n in names] + names
    candidates += [f"{rng.choice(singles)} {rng.choice(NEIGHBOURHOODS)}" for _ in range(40)]
    candidates += [f"{f} {ln}" for f, ln in zip(FIRST_NAMES, LAST_NAMES, strict=False)]
    candidates += ["sardine 1925", "tempete octobre", "pardon 1952", "regates ete", "kig ha farz"]
    unique = list(dict.fromkeys(candidates))
    rng.shuffle(unique)
    return (unique * (n // len(unique) + 1))[:n]


# --- Building a wiki ----------------------------------------------------------------------------


@dataclass
class Report:
    data_dir: str
    articles: int
    revisions: int
    portals: int
    users: int
    seed: int
    index_mode: str
    seconds_saving: float
    seconds_indexing: float
    seconds_total: float
    titles_file: str = ""


class _Progress:
    """A progress indicator on stderr: one redrawn line on a terminal, a line per 10 % otherwise."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, total, 0
        self.start = self._last = time.monotonic()
        self.tty = sys.stderr.isatty()
        self._next_tenth = 1

    def update(self, step: int = 1) -> None:
        self.done += step
        now = time.monotonic()
        if self.tty:
            if now - self._last < 0.1 and self.done != self.total:
                return
            end = "\r"
        else:
            if self.done * 10 < self._next_tenth * self.total:
                return
            self._next_tenth = self.done * 10 // max(self.total, 1) + 1
            end = "\n"
        self._last = now
        elapsed = max(now - self.start, 1e-9)
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        sys.stderr.write(
            f"{self.label:<9} [{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
            f"{self.done / elapsed:6.1f}/s {elapsed:6.1f} s{end}"
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\n")
            sys.stderr.flush()


def generate(
    data_dir: Path, articles: int = 2000, seed: int = 1, index_mode: str = "rebuild"
) -> Report:
    """Create a fresh wiki in `data_dir` and fill it; refuses a data dir that already has a wiki."""
    from wikiterritoire import create_app, migrate
    from wikiterritoire.models import utcnow
    from wikiterritoire.services import accounts, pages, portals
    from wikiterritoire.services import search as search_service

    t0 = time.perf_counter()
    data_dir = Path(data_dir).resolve()
    if (data_dir / "wiki.sqlite3").exists():
        raise SystemExit(f"{data_dir} already holds a wiki; choose a new directory.")
    data_dir.mkdir(parents=True, exist_ok=True)
    app = create_app({"DATA_DIR": str(data_dir)})
    migrate.upgrade(app.config["DATABASE_URL"])
    wiki = app.extensions["wiki"]
    specs = make_titles(articles, seed)
    # Titles beyond the corpus: plausible pages nobody has written yet (red links).
    extra = [s.title for s in make_titles(articles + 60, seed)[articles:]] + MISSING_TOPICS
    all_titles = [s.title for s in specs]
    rng = random.Random(f"corpus:{seed}")
    revisions = 0
    with wiki.db.fresh_session() as session:
        for slug, name, color in PORTALS:
            portals.create_portal(
                session, slug, name, f"Les articles du portail {name} du wiki de {TOWN}.", color
            )
        users = []
        sys.stderr.write("Accounts (shown once):\n")
        for name, role in USERS:
            password = secrets.token_urlsafe(12)
            users.append(
                accounts.create_user(
                    session,
                    name,
                    password,
                    role,
                    charter_version=wiki.charter.version,
                    hash_method=app.config["PASSWORD_HASH_METHOD"],
                )
            )
            sys.stderr.write(f"  {name:<26} {role:<12} {password}\n")
        authors = [u for u in users if u.name != BENCH_USER]
        # 2–3 revisions for about one article in five.
        extra_revisions = [
            (i, r) for i in range(len(specs)) for r in range(rng.choice([0] * 8 + [1, 2]))
        ]
        total = len(specs) + len(extra_revisions)
        start = utcnow() - timedelta(days=3 * 365)
        step = timedelta(days=3 * 365 - 1) / max(total, 1)
        search = wiki.search if index_mode == "per-save" else None
        progress = _Progress("Saving", total)
        t_save = time.perf_counter()
        texts: dict[int, str] = {}
        latest: dict[int, int] = {}
        for i, spec in enumerate(specs):
            text = article_text(spec, seed, all_titles, extra)
            result = pages.save_edit(
                session,
                search,
                rng.choice(authors),
                spec.title,
                text,
                summary="Création de l'article",
                portals=list(spec.portals),
                kind=spec.kind,
                when=start + step * revisions,
            )
            texts[i], latest[i] = text, result.revision.id
            revisions += 1
            progress.update()
            if i % 200 == 199:
                session.expunge_all()
        for n, (i, _r) in enumerate(extra_revisions):
            text, summary = revise_text(texts[i], f"{seed}:{i}:{n}")
            result = pages.save_edit(
                session,
                search,
                rng.choice(authors),
                specs[i].title,
                text,
                summary=summary,
                base_revision_id=latest[i],
                when=start + step * revisions,
            )
            texts[i], latest[i] = text, result.revision.id
            revisions += 1
            progress.update()
            if n % 200 == 199:
                session.expunge_all()
        progress.close()
        seconds_saving = time.perf_counter() - t_save
        t_index = time.perf_counter()
        if index_mode == "rebuild":
            progress = _Progress("Indexing", len(specs))
            search_service.reindex(session, wiki.search, progress.update)
            progress.close()
        seconds_indexing = time.perf_counter() - t_index
    wiki.db.dispose()
    report = Report(
        data_dir=str(data_dir),
        articles=len(specs),
        revisions=revisions,
        portals=len(PORTALS),
        users=len(USERS),
        seed=seed,
        index_mode=index_mode,
        seconds_saving=round(seconds_saving, 2),
        seconds_indexing=round(seconds_indexing, 2),
        seconds_total=round(time.perf_counter() - t0, 2),
    )
    manifest = asdict(report) | {"titles": all_titles, "bench_user": BENCH_USER}
    (data_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return report


def load_manifest(data_dir: Path) -> dict | None:
    path = Path(data_dir) / MANIFEST
    return json.loads(path.read_text()) if path.exists() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path, help="a new directory for the wiki's data")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--index",
        choices=["rebuild", "per-save"],
        default="rebuild",
        help="rebuild the Whoosh index once at the end (fast), or index on every save",
    )
    args = parser.parse_args(argv)
    if args.articles < 2:
        parser.error("--articles must be at least 2")
    report = generate(args.data_dir, args.articles, args.seed, args.index)
    print(
        f"Corpus: {report.articles} articles, {report.revisions} revisions, {report.portals} "
        f"portals, {report.users} users in {report.data_dir}"
    )
    print(
        f"Elapsed: {report.seconds_total:.1f} s (saving {report.seconds_saving:.1f} s, "
        f"indexing {report.seconds_indexing:.1f} s, index mode: {report.index_mode})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
