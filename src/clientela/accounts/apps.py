from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "clientela.accounts"
    label = "accounts"
