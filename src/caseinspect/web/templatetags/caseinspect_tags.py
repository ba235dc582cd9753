"""Template helpers."""

from django import template

register = template.Library()


@register.filter
def lookup_tabs(tabs, inspection):
    """``inspection_tabs|lookup_tabs:inspection`` → which inspection tabs the user may open."""
    return tabs[inspection]
