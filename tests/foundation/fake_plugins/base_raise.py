"""A plugin that raises a BaseException (not an Exception) at import."""


class Abort(BaseException):
    """Derives from BaseException, so ``except Exception`` does not catch it."""


raise Abort("refusing to load on this host")
