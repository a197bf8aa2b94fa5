from django import template

from microcred.records.cells import cell_input

register = template.Library()
register.filter("cell_input", cell_input)


@register.simple_tag
def record_cell(record_set, field) -> str:
    """A row's editable cell, its lists of another table's rows saying where to add them."""
    return record_set.cell(field)
