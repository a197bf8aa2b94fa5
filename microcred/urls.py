from axes.utils import reset as reset_login_failures
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from microcred.plans.views.lists import landing

# A database that cannot be reached answers 503 with a reason (clients retry), not 500.
handler500 = "microcred.plans.views.errors.server_error"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the e-mailed link also lifts a login lockout: the
    mailbox's owner has shown who they are, so they need not wait out the cool-off."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_login_failures(username=form.user.get_username())
        return response


urlpatterns = [
    path("", landing, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("plans/", include("microcred.plans.urls")),
    path("plans/", include("microcred.comments.urls")),
    path("plans/", include("microcred.review.urls")),
    path("", include("microcred.transfer.urls")),
    path("plans/<int:plan_id>/", include("microcred.reports.urls")),
    path("", include("maintenance.urls")),
    path("plans/<int:plan_id>/credential/", include("design.urls")),
    path("admin/", admin.site.urls),
]
