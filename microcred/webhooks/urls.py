from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoints, name="endpoints"),
    path("new/", views.endpoint_created, name="endpoint_created"),
    path("<int:endpoint_id>/deliveries/", views.deliveries, name="deliveries"),
    path("<int:endpoint_id>/test/", views.endpoint_test, name="endpoint_test"),
    path("<int:endpoint_id>/enable/", views.endpoint_enable, name="endpoint_enable"),
    path("<int:endpoint_id>/delete/", views.endpoint_delete, name="endpoint_delete"),
]
