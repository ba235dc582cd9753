"""Settings in layers: ``base`` (everything shared), then one of ``development``, ``test``
or ``production`` on top. Choose with ``DJANGO_SETTINGS_MODULE``; :func:`caseinspect.web.setup`
picks ``development`` unless told otherwise.
"""
