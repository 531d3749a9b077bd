from django.utils.translation import gettext_lazy as _


class ActionRefused(Exception):
    """A lifecycle action that cannot be done now; ``message`` says why, in the user's language.

    Nothing has been changed when this is raised: services raise it before writing, or inside
    the transaction that it then rolls back.
    """

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


CONCURRENT_CHANGE = _(
    "Someone else changed this project at the same moment, so your action was not saved. "
    "The page now shows the current state; please check it and try again if still needed."
)
