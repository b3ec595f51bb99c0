"""Domain operations: functions that change state. They flush; the request layer commits."""


class ServiceError(Exception):
    """A refusal the user can understand: a Chinese message and the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
