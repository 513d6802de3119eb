from django.apps import AppConfig


class ContractorsConfig(AppConfig):
    name = "contractors"
    verbose_name = "Contractors"
