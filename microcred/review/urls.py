from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("reviews/", views.review_queue, name="review_queue"),
    path("<int:plan_id>/submit/", views.plan_submit, name="submit"),
    path("<int:plan_id>/decide/", views.plan_decide, name="decide"),
    path("<int:plan_id>/reopen/", views.plan_reopen, name="reopen"),
    path("<int:plan_id>/changes/", views.plan_changes, name="changes"),
]
