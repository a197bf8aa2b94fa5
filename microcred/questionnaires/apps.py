from django.apps import AppConfig

from .defaults import phase_apps


class QuestionnairesConfig(AppConfig):
    name = "microcred.questionnaires"
    label = "questionnaires"
    verbose_name = "Questionnaires"

    def ready(self) -> None:
        # A phase app missing or not saying its phase stops start-up, with what to change.
        phase_apps()
