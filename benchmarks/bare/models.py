from django.db import models


class Row(models.Model):
    name = models.CharField(max_length=100)
    amount = models.IntegerField()

    # Declared: mypy checks this app under the application's settings, which lack it.
    objects: models.Manager["Row"] = models.Manager()

    def __str__(self):
        return self.name


class Note(models.Model):
    """What the bare write view changes: a text and its revision, as an answer has."""

    text = models.TextField()
    revision = models.PositiveIntegerField(default=0)

    objects: models.Manager["Note"] = models.Manager()

    def __str__(self):
        return self.text
