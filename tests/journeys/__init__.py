"""Whole-cycle browser journeys, one file per role."""
