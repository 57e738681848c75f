"""A bureau's published plan table (xlsx or csv) read into projects (`table`), and made into
the planner's workbook with its guesses marked (`to_workbook`)."""
