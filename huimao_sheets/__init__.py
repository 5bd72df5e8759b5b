"""huimao-sheets: checks the sales team's shared register and reports what each person must fix.

Data flows one way: source → register → checks → findings → outputs.
"""

import os

# numpy, which pyarrow imports, starts a BLAS thread per core as it loads. Nothing here does linear algebra,
# yet starting those threads and their waiting cost 0.1–0.15 s of CPU in every command: one thread is
# enough. Set before anything imports numpy; a value already in the environment is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
