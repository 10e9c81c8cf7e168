"""The static site: ``build_site(ws, out_dir)`` renders a workspace into HTML, SVG, ICS and JSON
that any static host serves, or a browser opens from file://."""

from __future__ import annotations

from worktext.render.builder import BuildResult, build_site
from worktext.render.urls import OutputCollision

__all__ = ["BuildResult", "OutputCollision", "build_site"]
