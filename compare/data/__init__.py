"""The data pipeline: read files, check them, derive the engine's tables, load them once.

``load_dataset`` is the entry point; the modules are the pipeline's steps:

- ``read``: files into validated records (``types``, ``provenance`` and ``schema`` define them);
- ``check``: cross-file rules and staleness, shared with uploads;
- ``derive``: the facility, fact and price tables the engine reads;
- ``load``: the ``Dataset``, cached on the files' content;
- ``summary``: coverage counts (``compare validate --summary``).
"""

from compare.data.check import months_old
from compare.data.load import DEFAULT_DATA_DIR, Dataset, content_hash, data_files, load_dataset

__all__ = ["DEFAULT_DATA_DIR", "Dataset", "content_hash", "data_files", "load_dataset", "months_old"]
