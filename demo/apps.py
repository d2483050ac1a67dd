from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The starting content of a new site: depends on every app, and nothing depends on it."""

    name = "demo"
    verbose_name = "Demo content"
