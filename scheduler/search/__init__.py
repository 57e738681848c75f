"""The search for a plan: quick plans (`construct`, and the hand method in
`scheduler.search.hand_method`), ruin and recreate (`repair`), CP-SAT's neighbourhood steps (`lns`,
`assign`) and full search, the relaxation's bound (`bound`, `mip`), all run in the stages that
`stages` plans and `solve` carries out."""
