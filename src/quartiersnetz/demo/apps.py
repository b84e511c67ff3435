from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "quartiersnetz.demo"
    verbose_name = "Demo data"
