"""What a planner asks of an instance or a plan, each module named for its question: why
there is no plan (`no_plan`), what each class costs and what keeps it there (`class_costs`),
where else a class could go (`alternatives`), and how scenarios compare (`compare`)."""
