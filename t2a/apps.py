from django.apps import AppConfig


class T2AConfig(AppConfig):
    name = "t2a"
    verbose_name = "T2A platform"
