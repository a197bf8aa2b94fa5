from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def answer_blocks(context, form):
    """The phase page's question blocks (PhaseAnswersForm.answer_blocks), each with its
    comment threads, record-set table and panels from the page's context."""
    return form.answer_blocks(
        threads=context.get("threads", {}),
        record_sets=context.get("record_sets", {}),
        panels=context.get("panels", {}),
    )
