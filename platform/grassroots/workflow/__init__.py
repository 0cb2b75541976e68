"""Approval chains from the pinned pack: instances, one task per step occurrence, inboxes by office and scope.

Public calls: `engine.start_chain`, `engine.act`, `engine.resubmit`, `engine.withdraw`, `inbox.inbox_for`,
`hooks.register_completion_hook`, `hooks.register_subject_url`, `hooks.register_subject_describer`.
See docs/workflow.md.
"""
