"""The rules of the domain, without the solver: the calendar, classes and sessions, the
rules' vocabulary, the KPIs and 学时, the independent checker (`validate`), what changed
between two plans (`diff`) and a re-plan's request (`replan`)."""
