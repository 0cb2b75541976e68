"""What placement registers with the workflow: completion hooks and subject links, per subject type."""

from __future__ import annotations

from grassroots.placement import agreements, applications, demand, extensions, placements
from grassroots.placement.postings import SUBJECT as POSTING
from grassroots.placement.subjects import register_describers
from grassroots.workflow.hooks import register_completion_hook, register_subject_url

SUBJECTS = (
    (POSTING, demand.on_chain_complete, demand.subject_url,
     {"zh": "岗位需求信息上报", "en": "Demand report of a posting"}),
    (applications.SUBJECT, applications.on_chain_complete, applications.subject_url,
     {"zh": "到基层服务申请", "en": "Application for grassroots service"}),
    (agreements.SUBJECT, agreements.on_chain_complete, agreements.subject_url,
     {"zh": "服务协议", "en": "Service agreement"}),
    (extensions.SUBJECT, extensions.on_chain_complete, extensions.subject_url,
     {"zh": "延期服务申请", "en": "Extension of service"}),
    (placements.DISPATCH, placements.on_dispatch_complete, placements.subject_url,
     {"zh": "全职选派认可", "en": "Recognition of a full-time dispatch"}),
)


def register() -> None:
    for subject, hook, url, name in SUBJECTS:
        register_completion_hook(subject, hook)
        register_subject_url(subject, url, name)
    register_describers()  # whose case each subject is, for inbox rows (placement/subjects.py)
