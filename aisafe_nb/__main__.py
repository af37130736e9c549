"""``python -m aisafe_nb`` runs the command line."""

import sys

from aisafe_nb.cli import main

sys.exit(main())
