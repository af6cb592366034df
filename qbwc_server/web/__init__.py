"""Flask blueprints: admin pages, REST API, .qwc download, support page. Must not import spyne."""

from __future__ import annotations
