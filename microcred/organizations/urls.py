from django.urls import path

from . import views

app_name = "organizations"

urlpatterns = [
    path("", views.organization_list, name="index"),
    path("<slug:slug>/people/", views.people, name="people"),
    path(
        "<slug:slug>/people/<int:user_id>/roles/",
        views.person_give_role,
        name="person_give_role",
    ),
    path(
        "<slug:slug>/people/<int:user_id>/roles/remove/",
        views.person_remove_role,
        name="person_remove_role",
    ),
    path("<slug:slug>/people/<int:user_id>/remove/", views.person_remove, name="person_remove"),
    path("<slug:slug>/settings/", views.organization_settings, name="settings"),
]
