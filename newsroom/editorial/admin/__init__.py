"""The editors' admin, one module per kind of screen (articles; authors and
topics; corrections, audit trail and redirects), with what they share in
``helpers``. Importing the package registers every screen.

The admin stays thin: state changes go through ``newsroom.editorial.services``
(the same functions the shell and tests use).
"""

from newsroom.editorial.admin import articles, front, records, workflow  # noqa: F401 - registers the screens
