"""The frozen bundle's entry point: the same as the `stock-tracker` command."""

import sys

from stock_tracker_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
