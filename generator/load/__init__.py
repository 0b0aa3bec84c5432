"""Stage 1, load: find the record files of a repository (``discover``) and read each one safely (``loader``)."""
