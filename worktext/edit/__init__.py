"""Writing files: lossless front matter edits, atomic writes, new items and ids, templates,
``init``."""
