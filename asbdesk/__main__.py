"""`python -m asbdesk`: the same as the `asbdesk` command."""

import sys

from asbdesk.cli import main

sys.exit(main())
