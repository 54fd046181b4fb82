from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chuxin.accounts"
    label = "accounts"
