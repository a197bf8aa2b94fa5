"""What a browser sends for a form on a page: the controls it owns (those inside it that
name no other form, and those tied to it by their `form` attribute), read from the page's
HTML as the browser reads them."""

import lxml.html
from django.utils.datastructures import MultiValueDict


def form_data_as_sent(page_html: str, form_id: str) -> MultiValueDict[str, str]:
    """The data a browser posts for the form `form_id`: ticked boxes only, a select's
    chosen options (its first one when none is marked), a textarea without the newline
    that follows its opening tag."""
    document = lxml.html.fromstring(page_html)
    form = document.xpath(f'//form[@id="{form_id}"]')
    return _sent(_owned_controls(document, form[0] if form else None, form_id))


def form_data_sent_by(
    page_html: str, xpath: str, *, line_break: str = "\n"
) -> MultiValueDict[str, str]:
    """The data posted for the one element that `xpath` finds on the page: a form, or an
    element whose controls htmx sends (`hx-include="this"`). A form submitted without
    JavaScript sends a textarea's line breaks as CRLF (pass `line_break` so); htmx sends
    them as the textarea holds them."""
    document = lxml.html.fromstring(page_html)
    (element,) = document.xpath(xpath)
    return _sent(_owned_controls(document, element, element.get("id")), line_break=line_break)


def _owned_controls(document, form, form_id: str | None) -> list:
    """The controls a form owns, as a browser finds them (its descendants that name no
    other form, and those that name it)."""
    inside = []
    if form is not None:
        inside = [
            control
            for control in form.xpath(".//*[@name]")
            if control.get("form") in (None, form_id) and control.tag != "button"
        ]
    tied = document.xpath(f'//*[@form="{form_id}"][@name]') if form_id else []
    return inside + [control for control in tied if control not in inside]


def _sent(controls, *, line_break: str = "\n") -> MultiValueDict[str, str]:
    data: MultiValueDict[str, str] = MultiValueDict()
    for control in controls:
        if control.get("disabled") is not None:
            continue
        name = control.get("name")
        if control.tag == "select":
            options = control.xpath(".//option")
            chosen = [option for option in options if option.get("selected") is not None]
            if not chosen and control.get("multiple") is None and options:
                chosen = options[:1]
            for option in chosen:
                data.appendlist(name, option.get("value", option.text_content()))
        elif control.tag == "textarea":
            text = control.text_content().removeprefix("\n")
            data.appendlist(name, text.replace("\r\n", "\n").replace("\n", line_break))
        elif control.get("type") in ("checkbox", "radio"):
            if control.get("checked") is not None:
                data.appendlist(name, control.get("value", "on"))
        elif control.tag == "input" and control.get("type") not in ("submit", "button"):
            data.appendlist(name, control.get("value", ""))
    return data
