"""The planner's workbook (.xlsx): the template to fill in, reading it back as an instance, and
the checked copy that marks each problem in its cell."""
