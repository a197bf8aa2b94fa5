from django.urls import path

from . import views

app_name = "questionnaires"
urlpatterns = [
    path("", views.move_plan, name="move_plan"),
]
