from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_POST

from .models import Note, Row


def rows(request):
    rows = list(Row.objects.order_by("pk")[:70])
    # Four more small queries: five in all, as many as a light page of the application.
    counts = [Row.objects.filter(amount__gt=n * 10).count() for n in range(4)]
    return render(request, "bare/rows.html", {"rows": rows, "counts": counts})


@require_POST
def save_note(request, note_id):
    """The yardstick for a save: a CSRF-checked form post that locks one row, changes it
    from the revision it was read at and returns a fragment with its new revision, as an
    answer's autosave does; two queries in one transaction."""
    try:
        revision = int(request.POST["revision"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("The note's revision is missing.")
    with transaction.atomic():
        note = Note.objects.select_for_update().get(pk=note_id)
        saved = note.revision == revision
        if saved:
            note.text = request.POST.get("text", "")
            note.revision += 1
            note.save(update_fields=["text", "revision"])
    return render(request, "bare/note_saved.html", {"note": note, "saved": saved})


urlpatterns = [path("", rows), path("notes/<int:note_id>/", save_note)]
