from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "caseinspect.web.coding"
    label = "coding"
    verbose_name = "Coding and practice library"
    default_auto_field = "django.db.models.BigAutoField"
