"""Running the app as several processes behind nginx (see cluster.py)."""
