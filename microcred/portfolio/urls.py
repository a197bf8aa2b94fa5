from django.urls import path

from . import views

app_name = "portfolio"

urlpatterns = [
    path("portfolio/", views.site_portfolio, name="site"),
    path("portfolio.csv", views.site_portfolio_csv, name="site_csv"),
    path(
        "organizations/<slug:slug>/portfolio/",
        views.organization_portfolio,
        name="organization",
    ),
    path(
        "organizations/<slug:slug>/portfolio.csv",
        views.organization_portfolio_csv,
        name="organization_csv",
    ),
]
