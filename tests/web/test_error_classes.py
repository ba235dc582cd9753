"""The web layer's errors belong to the one hierarchy (issue #9)."""

from caseinspect.errors import CaseinspectError


def test_the_web_layer_errors_are_caseinspect_errors():
    from caseinspect.web.actions.cases import EditConflict, WrongStatus
    from caseinspect.web.models._audit import AppendOnlyError

    for error in (EditConflict, WrongStatus, AppendOnlyError):
        assert issubclass(error, CaseinspectError), error
