"""subsidy: entitlements from the engine, year-end rosters per payer, province roll-ups, disbursement.

Public calls (all in the current tenant context): `entitlements.compute_entitlements(placement, as_of)`,
`entitlements.refresh_entitlements(as_of)`, `compile.compile_roster(payer, year, user)`,
`rollup.province_rollup(province, year)`, `batches.create_batch / approve_batch / pay_batch`,
`timeline.events_for(placement_ids)`. See docs/subsidy.md.
"""
