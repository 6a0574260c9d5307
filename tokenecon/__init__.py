"""tokenecon: a cost, energy and trade model of AI tokens.

Importing the package does no I/O. Submodules, one idea each:

- ``tokenecon.paths``   where the project's files live
- ``tokenecon.data``    curated tables: schema, provenance catalogue, validated loading, build
- ``tokenecon.report.runner``  papermill + nbconvert runner for the HTML reports
- ``tokenecon.report.plotting`` chart style and the title/units/takeaway contract
"""

__version__ = "0.1.0"
