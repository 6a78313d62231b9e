"""`manage.py backup` and `manage.py restore` (issue 17): the database and the media files, with a
manifest of SHA-256 checksums; restored only into an empty database (docs/operations-backup.md)."""
