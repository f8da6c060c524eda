"""`python -m stock_tracker_desktop` is the same as the `stock-tracker` command."""

import sys

from stock_tracker_desktop.cli import main

sys.exit(main())
