"""Epidemic indicators: metrics, Rt (Cori et al. / EpiEstim) and rule sets that assign levels with reasons.

Pure Python (pandas, numpy, scipy, pyarrow); never imports streamlit, so notebooks, batch jobs and the
command line (`python -m indicators`) use exactly what the dashboard uses.

Modules: `metrics` (rolling sums, rates, growth, coverage), `inputs` (the per-district input frame every
rule set reads, and its province/country aggregation), `rulesets` (rule-set files and their loader),
`engine` (classify a whole frame, with reasons), `rt` (effective reproduction number), `formatting`
(Vietnamese/English number text).
"""
