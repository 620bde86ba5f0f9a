"""The .xlsx writer moved to ``core.spreadsheets`` (every app's downloads use it); kept importable here."""

from core.spreadsheets import workbook

__all__ = ["workbook"]
