"""Views: each authorises (through :mod:`caseinspect.web.access`), parses a form, calls one
function, renders."""
