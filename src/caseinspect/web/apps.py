from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "caseinspect.web"
    label = "caseinspect"
    verbose_name = "Case inspection"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
