"""Notebook structure: reading `.ipynb` files, and walking their text fields.

Submodules are imported on demand (``aisafe_nb.notebook.load``, ``.locate``, ...): the git
filter and the save hook import this package, and must not pay for nbformat or the
sanitizer unless they use them.
"""
