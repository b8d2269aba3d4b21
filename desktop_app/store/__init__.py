"""Engine, sessions, opening a database with its guards, migrations and backups."""
