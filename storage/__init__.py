"""The archive: a versioned SQLite file (sqlite-utils) that opens in Datasette."""
