"""cgkg's test suite.

``SHARED`` is the shared data folder (gold annotations, city reports, administrative
divisions): ``$CGKG_SHARED`` when set, else ``shared/`` next to the repository.
"""

import os
from pathlib import Path

SHARED = Path(os.environ.get("CGKG_SHARED") or Path(__file__).resolve().parents[2] / "shared")
