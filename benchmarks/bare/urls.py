from django.shortcuts import render
from django.urls import path

from .models import Row


def rows(request):
    rows = list(Row.objects.order_by("pk")[:70])
    # Four more small queries: five in all, as many as a light page of the application.
    counts = [Row.objects.filter(amount__gt=n * 10).count() for n in range(4)]
    return render(request, "bare/rows.html", {"rows": rows, "counts": counts})


urlpatterns = [path("", rows)]
