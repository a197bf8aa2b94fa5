"""What a browser sends for a form on a page: the controls tied to it by their `form`
attribute, read from the page's HTML as the browser reads them."""

import lxml.html
from django.utils.datastructures import MultiValueDict


def form_data_as_sent(page_html: str, form_id: str) -> MultiValueDict[str, str]:
    """The data a browser posts for the form `form_id`: ticked boxes only, a select's
    chosen options (its first one when none is marked), a textarea without the newline
    that follows its opening tag."""
    data: MultiValueDict[str, str] = MultiValueDict()
    document = lxml.html.fromstring(page_html)
    for control in document.xpath(f'//*[@form="{form_id}"][@name]'):
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
            data.appendlist(name, control.text_content().removeprefix("\n"))
        elif control.get("type") in ("checkbox", "radio"):
            if control.get("checked") is not None:
                data.appendlist(name, control.get("value", "on"))
        elif control.tag == "input":
            data.appendlist(name, control.get("value", ""))
    return data
