"""Life on a desktop: the app's identity towards the operating system, start with the system."""

# The macOS bundle identifier, also the name of the LaunchAgent that starts the app at log-in.
BUNDLE_ID = "com.stocktracker.desktop"
BUNDLE_NAME = "StockTracker"
DISPLAY_NAME = "Stock Tracker"
