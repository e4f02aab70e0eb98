"""Run the benchmarks and print their figures; the same as ``policystats bench``.

    python benchmarks/run.py --write docs/performance.md   # the full run (about half an hour on 2 cores)
    python benchmarks/run.py --quick                       # a smoke run in a couple of minutes

See ``policystats/devtools/bench.py`` for what is measured and how.
"""

import sys

from policystats.devtools.bench import main

if __name__ == "__main__":
    sys.exit(main())
