# Importing the Celery app here makes .delay() use our broker, not Celery's AMQP default.
from .celery import app as celery_app

__all__ = ("celery_app",)
