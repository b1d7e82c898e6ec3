"""Operations: whole-system backup and restore (``manage.py backup`` / ``manage.py restore``)."""
