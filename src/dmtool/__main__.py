"""``python -m dmtool`` runs the command line."""

from .cli import main

main()
