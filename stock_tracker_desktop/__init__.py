"""Stock Tracker Desktop: stock, orders and days of stock for many Wildberries and Ozon sellers."""

__version__ = "0.1.0"
APP_NAME = "StockTrackerDesktop"
