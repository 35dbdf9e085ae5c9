from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo municipality (`manage.py seed_demo`): the top layer, the only app that uses all the others,
    so that none of them has to know the demo data of the others. Holds no models."""

    name = "demo"
    verbose_name = "Demo"
