"""`python -m finder.cli ...`: the same commands as `esol-finder ...`."""

import sys

from finder.cli import main

sys.exit(main())
