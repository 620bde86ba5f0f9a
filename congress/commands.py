"""The base class for the project's management commands."""

from typing import Any

from django.core.management.base import BaseCommand as DjangoBaseCommand
from django.core.management.base import CommandParser


class BaseCommand(DjangoBaseCommand):
    """A command whose ``help`` may be a lazy translation (``gettext_lazy``).

    argparse runs its description through ``re``, which refuses Django's lazy strings (``--help`` then
    crashed with ``TypeError: ... '__proxy__'``). Translating it when the parser is built, rather than at
    import, gives the help in the language active at that moment: ``LANGUAGE_CODE`` from the command line.
    """

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
