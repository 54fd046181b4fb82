from django.apps import AppConfig

from chuxin.core.registry import Demo, Hooks


class NotificationsConfig(AppConfig):
    name = "chuxin.notifications"
    label = "notifications"
    hooks = Hooks(
        # Last: the demo's reminder run reads everything the other apps seeded.
        demo=Demo("chuxin.notifications.demo.seed_demo_data",
                  after=("plans", "directives", "reports", "responsibilities", "workbench", "evaluation", "recruitment",
                         "transfers", "dues", "learning", "quizzes", "campaigns", "activities", "notices", "site",
                         "joint")),
        matrix_routes="chuxin.notifications.tests.matrix_routes.routes",
    )
