"""placement: secondment programs from demand posting to the end of service (Lijiang, Kunming, ...).

Postings (第三条), applications with their eligibility decisions and approval chain, matching to a posting,
the tripartite agreement, the placement itself, assessments, extensions, and the decision records that
let any decision be replayed under its pinned pack version. Callers import the module they need, e.g.
`from grassroots.placement.facts import facts_for`; see docs/placement.md.
"""
