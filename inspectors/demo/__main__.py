"""``python -m inspectors.demo``: regenerate or check resources/demo."""

import sys

from .generate import main

sys.exit(main())
