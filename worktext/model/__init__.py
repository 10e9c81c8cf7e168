"""The worktext format: the schema of every kind of item, settings (``worktext.yml``), typed
items built from files, the resolved workspace, queries and the export."""
