"""Toy notebooks for the runner's tests: a title, a parameters cell and one code cell."""

from __future__ import annotations

from pathlib import Path

import nbformat


def toy_notebook(path: Path, params: str, body: str, title: str = "Toy report") -> Path:
    """Write a notebook to ``path`` (kernel python3) whose cells are ``# title``, ``params`` (tagged parameters)
    and ``body``; return ``path``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {title}\n\nA report used by the tests."),
        nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(body),
    ]
    nbformat.write(nb, str(path))
    return path
