"""Domain services: the rules shared by the web UI, the API and the CLI.

Services take a SQLAlchemy session (and the search backend when they index), commit their own
transaction, raise `wikiterritoire.errors` exceptions, and never import Flask.
"""
