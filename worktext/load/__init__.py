"""Files to positioned data: front matter split from the body, safe YAML with the span of
every key and value, and the disposable cache under ``.worktext/``."""
