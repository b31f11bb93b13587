"""Refusals a user can act on: raised by services, shown by views as they are."""


class WorkflowError(Exception):
    """A refusal the user can act on; the message is shown as is."""


class TransitionRefused(WorkflowError):
    pass


class StaleRequest(WorkflowError):
    pass


class AlreadySubmitted(WorkflowError):
    """The same form was posted again (a double click, a resent page): nothing was done twice.
    ``reference`` names the request the first submission made or changed."""

    def __init__(self, message: str, reference: str = "") -> None:
        super().__init__(message)
        self.reference = reference
