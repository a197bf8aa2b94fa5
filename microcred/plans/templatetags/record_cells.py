from django import template

from microcred.plans.records import cell_input

register = template.Library()
register.filter("cell_input", cell_input)
