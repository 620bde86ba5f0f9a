"""Test helpers shared by the apps' test suites (never imported by the running site)."""
