"""What every experiment imports: the lab API, found even from a source checkout that is not pip-installed.

``python lab/x.py`` puts lab/ (not the repository) on ``sys.path``; when ``tracker`` cannot be imported from
there, the repository that holds this lab/ is added, once, here rather than in every experiment file.
"""

import sys
from pathlib import Path

try:
    import tracker  # noqa: F401
except ModuleNotFoundError:  # run as a plain script from a source checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.lab.experiment import Experiment, main  # noqa: E402

__all__ = ["Experiment", "main"]
