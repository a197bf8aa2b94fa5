from django import template

from ..kinds import display_value, kind_of

register = template.Library()


@register.simple_tag(takes_context=True)
def show_answer(context, question, value):
    """A stored value as its kind's template shows it; nothing when it is not answered."""
    if value is None:
        return ""
    kind_template = context.template.engine.get_template(kind_of(question).template)
    return kind_template.render(
        context.new(
            {"question": question, "value": value, "display": display_value(question, value)}
        )
    )
