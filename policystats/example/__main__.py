"""``python -m policystats.example``: refresh the bundled example from the source checkout."""

import sys

from ..paths import DEFAULT_ROOT
from . import refresh

if not (DEFAULT_ROOT / "pyproject.toml").is_file():
    sys.exit("python -m policystats.example runs in a source checkout (an editable install)")
done = refresh()
print(f"refreshed {len(done)} file(s) of policystats/example/" + (": " + ", ".join(done) if done else ""))
