from django import template

from microcred.records.cells import cell_input

register = template.Library()
register.filter("cell_input", cell_input)
