from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from microcred.accounts.views import PasswordResetConfirmView, PasswordResetView
from microcred.organizations.sign_in_views import SignInCancelledView, SignInErrorView
from microcred.plans.views.lists import landing

# A database that cannot be reached answers 503 with a reason (clients retry), not 500.
handler500 = "microcred.plans.views.errors.server_error"
# A refusal says why and leads back to the plan or the page the user came from.
handler403 = "microcred.plans.views.errors.permission_denied"


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
    path("accounts/password/reset/", PasswordResetView.as_view(), name="password_reset"),
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
    # Signing in through an organization's identity provider (docs/sign-in.md): the
    # providers' own addresses and allauth's pages for a failed or cancelled sign-in; none
    # of allauth's local account pages (its own login, signup, password) are routed.
    # allauth redirects to the last two by name.
    path("accounts/", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("accounts/", include("allauth.socialaccount.providers.saml.urls")),
    path(
        "accounts/institution/cancelled/",
        SignInCancelledView.as_view(),
        name="socialaccount_login_cancelled",
    ),
    path(
        "accounts/institution/error/",
        SignInErrorView.as_view(),
        name="socialaccount_login_error",
    ),
    path("plans/", include("microcred.plans.urls")),
    path("plans/", include("microcred.comments.urls")),
    path("plans/", include("microcred.review.urls")),
    path("", include("microcred.transfer.urls")),
    path("plans/<int:plan_id>/", include("microcred.reports.urls")),
    path("", include("maintenance.urls")),
    path("organizations/", include("microcred.organizations.urls")),
    path("", include("microcred.portfolio.urls")),
    path("plans/<int:plan_id>/credential/", include("design.urls")),
    path("plans/<int:plan_id>/webhooks/", include("microcred.webhooks.urls")),
    path("", include("microcred.api.urls")),
    path("admin/", admin.site.urls),
]
