"""worktext inside other tools: the preview server and the MkDocs plugin."""
