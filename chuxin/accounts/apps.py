from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chuxin.core.registry import Hooks


class AccountsConfig(AppConfig):
    name = "chuxin.accounts"
    label = "accounts"
    hooks = Hooks(
        # Role grants give standing on an organization and its subtree; and the reverse question.
        standings="chuxin.accounts.access.grant_standings",
        holders="chuxin.accounts.access.grant_holders",
    )
    verbose_name = _("Accounts")
