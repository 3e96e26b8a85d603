from __future__ import annotations

import sys

from cim.cli import main

sys.exit(main())
