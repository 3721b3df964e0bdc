"""Feedback has no background work: listening, report-backs, the public page and the trust
pulse all answer within the request. What it adds to work that runs elsewhere (readiness,
closure, the PDF reports) is named in registrations.py."""
