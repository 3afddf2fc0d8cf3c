"""Kuril watcher: follows the Japan-Russia dispute over the southern Kuril Islands in the news.

The pipeline reads as a sentence, one module a stage:
fetch -> parse -> normalize -> extract -> classify -> dedupe -> store -> status -> digest -> notify.
`watcher.pipeline.poll` runs one cycle; `watcher.cli` is the thin command line over it.
"""

__version__ = "0.1.0"
