"""Rules across files, as diagnostics (data, never exceptions), and how they are reported;
``pipeline`` reads, resolves and checks a workspace in one call."""
