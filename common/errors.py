class DomainError(Exception):
    """A business rule said no. The message is for people (Dutch, plain words);
    views turn it into a form error or a 4xx with that reason."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
