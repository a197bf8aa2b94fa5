"""What a page that makes one change says on the page it leads to."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

Made = TypeVar("Made")


def say_outcome(
    request: HttpRequest, change: Callable[[], Made], success: Callable[[Made], str]
) -> Made | None:
    """Make `change`; the next page says what it made (`success`), or why it was refused
    (its ValidationError, in words). None when refused."""
    try:
        made = change()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None
    messages.success(request, success(made))
    return made


def add_service_errors(form, error: ValidationError) -> None:
    """A service's refusal beside the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages_of_field in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_of_field)
    else:
        form.add_error(None, error.messages)
