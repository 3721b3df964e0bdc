"""The live reading-ease score beside a text box written for the public (the score itself
is `selectors.reading_ease.check`, served by `views.reading_ease`)."""

from django import forms


def live_reading_ease(field: forms.Field, *, url: str, name: str) -> None:
    """Score the text as it is typed: htmx posts the draft (with the form's CSRF token,
    which htmx sends along for a POST from inside a form) and swaps in the score."""
    field.widget.attrs.update(
        {
            "hx-post": url,
            "hx-trigger": "keyup changed delay:800ms",
            "hx-target": f"#{name}-readability",
            "hx-swap": "outerHTML",
            "hx-vals": f'{{"field": "{name}"}}',
            "hx-sync": "this:replace",
        }
    )
