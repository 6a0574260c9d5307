"""Chart (and display-table) functions of each report: they take the analysis outputs and draw one figure each."""
