"""Whole-cycle browser journeys, one file per role (issue 9, item 7)."""
