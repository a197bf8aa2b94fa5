from django.urls import path

from . import views

app_name = "maintenance"
urlpatterns = [
    path(
        "plans/<int:plan_id>/review-calendar.ics",
        views.calendar_download,
        name="calendar_download",
    ),
    path(
        "plans/<int:plan_id>/review-calendar/reset/",
        views.calendar_reset,
        name="calendar_reset",
    ),
    path(
        "plans/<int:plan_id>/review-cycles/<int:cycle_id>/done/",
        views.review_done,
        name="review_done",
    ),
    # The secret link calendar apps subscribe to, without logging in.
    path(
        "review-calendars/<int:plan_id>/<str:token>.ics",
        views.calendar_feed,
        name="calendar_feed",
    ),
    path(
        "plans/<int:plan_id>/maintenance/psychometrics/",
        views.psychometrics_upload,
        name="psychometrics_upload",
    ),
    path(
        "maintenance/psychometrics/sample-results.csv",
        views.psychometrics_sample,
        name="psychometrics_sample",
    ),
    path(
        "plans/<int:plan_id>/maintenance/psychometrics/reviews/",
        views.psychometrics_status,
        name="psychometrics_status",
    ),
    path(
        "plans/<int:plan_id>/maintenance/psychometrics/<int:review_id>/file/",
        views.psychometrics_download,
        name="psychometrics_download",
    ),
    path(
        "plans/<int:plan_id>/maintenance/psychometrics/<int:review_id>/remove/",
        views.psychometrics_remove,
        name="psychometrics_remove",
    ),
]
