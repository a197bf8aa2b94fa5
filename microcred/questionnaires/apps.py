from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "microcred.questionnaires"
    label = "questionnaires"
    verbose_name = "Questionnaires"
