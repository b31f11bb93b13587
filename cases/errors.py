"""Refusals a user can act on: raised by services, shown by views as they are."""


class WorkflowError(Exception):
    """A refusal the user can act on; the message is shown as is."""


class TransitionRefused(WorkflowError):
    pass


class StaleRequest(WorkflowError):
    pass
