"""The actions app has no background work of its own: the progress-update reminders and
the escalation ladder run in the platform's reminder sweep (t2a), through the reminder
source this app registers (services/reminders.py), and the annual evaluation's PDF is
rendered by the cycle's report job from the sections it registers (selectors/reports.py).
"""
