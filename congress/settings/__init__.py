"""Settings are read from the environment in one place (``base``); ``test`` tunes them for the suite."""

from .base import *  # noqa: F401,F403
