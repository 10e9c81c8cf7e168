"""worktext: plain-text work management. Tasks, projects, workflows, templates, people and goals
as Markdown files with YAML front matter, in a git repository."""

from __future__ import annotations

__version__ = "0.1.0"
