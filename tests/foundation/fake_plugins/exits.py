"""A plugin that calls sys.exit() at import, as a script-like module might."""

import sys

sys.exit("licence key not found")
