"""Settings: ``base`` reads everything from the environment; ``test`` tunes it for the suite.

The package itself defines nothing, so that importing ``congress.settings.test`` does not first evaluate
``base`` before the test module has set the environment it needs.
"""
