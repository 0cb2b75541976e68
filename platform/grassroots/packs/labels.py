"""Readable names for the fact vocabulary's codes, for forms and answers (the packs carry their own
labels for grades and area tags; these are the platform-wide enumerations in facts.json)."""

from __future__ import annotations

VALUE_LABELS: dict[str, dict[str, str]] = {
    # education
    "secondary": {"zh": "中专/高中", "en": "Secondary"}, "associate": {"zh": "大专", "en": "Associate"},
    "bachelor": {"zh": "本科", "en": "Bachelor"}, "master": {"zh": "硕士研究生", "en": "Master"},
    "doctorate": {"zh": "博士研究生", "en": "Doctorate"},
    # title levels
    "none": {"zh": "无职称", "en": "None"}, "junior": {"zh": "初级", "en": "Junior"},
    "intermediate": {"zh": "中级", "en": "Intermediate"}, "deputy_senior": {"zh": "副高级", "en": "Deputy senior"},
    "senior": {"zh": "正高级", "en": "Senior"},
    # unit levels
    "township": {"zh": "乡镇", "en": "Township"}, "county": {"zh": "县（区）", "en": "County"},
    "city": {"zh": "市（州）", "en": "City"}, "province": {"zh": "省", "en": "Province"},
    # title series
    "primary_secondary_teacher": {"zh": "中小学教师", "en": "Primary/secondary teacher"},
    "higher_education": {"zh": "高校教师", "en": "Higher education"}, "health": {"zh": "卫生", "en": "Health"},
    "agriculture": {"zh": "农业", "en": "Agriculture"}, "engineering": {"zh": "工程", "en": "Engineering"},
    "economics": {"zh": "经济", "en": "Economics"}, "accounting": {"zh": "会计", "en": "Accounting"},
    "science_research": {"zh": "科学研究", "en": "Science research"}, "other": {"zh": "其他", "en": "Other"},
    # licences
    "practising_physician": {"zh": "执业医师", "en": "Practising physician"},
    "assistant_physician": {"zh": "执业助理医师", "en": "Assistant physician"}, "nurse": {"zh": "护士", "en": "Nurse"},
    "teacher_certificate": {"zh": "教师资格", "en": "Teacher certificate"}, "pharmacist": {"zh": "药师", "en": "Pharmacist"},
    # sectors, employer and unit types
    "education": {"zh": "教育", "en": "Education"}, "urban_planning": {"zh": "城乡规划", "en": "Urban planning"},
    "science_technology": {"zh": "科技", "en": "Science and technology"}, "enterprise": {"zh": "企业", "en": "Enterprise"},
    "university": {"zh": "高等院校", "en": "University"}, "research_institute": {"zh": "科研院所", "en": "Research institute"},
    "hospital": {"zh": "医院", "en": "Hospital"}, "school": {"zh": "学校", "en": "School"},
    "government": {"zh": "党政机关", "en": "Government body"}, "institution": {"zh": "事业单位", "en": "Public institution"},
    "health_center": {"zh": "卫生院", "en": "Health centre"},
    # other enumerations
    "female": {"zh": "女", "en": "Female"}, "male": {"zh": "男", "en": "Male"},
    "review": {"zh": "评审", "en": "Review"}, "exam_only": {"zh": "以考代评", "en": "Exam only"},
    "exam_and_review": {"zh": "考评结合", "en": "Exam and review"},
    "professional_technical": {"zh": "专业技术岗位", "en": "Professional/technical post"},
    "management": {"zh": "管理岗位", "en": "Management post"}, "skilled_worker": {"zh": "工勤技能岗位", "en": "Skilled worker"},
    "enterprise_senior_management": {"zh": "企业高级经营管理", "en": "Enterprise senior management"},
    "grade_1": {"zh": "一级", "en": "Grade 1"}, "grade_2": {"zh": "二级", "en": "Grade 2"}, "grade_3": {"zh": "三级", "en": "Grade 3"},
    "open_recruitment": {"zh": "公开招聘", "en": "Open recruitment"},
    "relaxed_recruitment": {"zh": "放宽条件招聘", "en": "Relaxed recruitment"},
    "transfer_in": {"zh": "调入", "en": "Transfer in"}, "military_resettlement": {"zh": "军转安置", "en": "Military resettlement"},
    "special_post": {"zh": "特岗", "en": "Special post"},
    # area tags (packs may relabel)
    "remote": {"zh": "偏远", "en": "Remote"}, "ethnic": {"zh": "民族地区", "en": "Ethnic area"},
    "poverty": {"zh": "贫困地区", "en": "Poverty area"}, "border": {"zh": "边境", "en": "Border"},
    "hardship": {"zh": "艰苦边远", "en": "Hardship"},
    # assessment kinds
    "annual": {"zh": "年度考核", "en": "Annual"}, "term_end": {"zh": "期满考核", "en": "Term end"},
    "training": {"zh": "培训考核", "en": "Training"},
}

ASSESSMENT_KINDS = ("annual", "term_end", "training")


def value_label(value: str, pack_labels: dict[str, dict] | None = None) -> dict[str, str]:
    """The pack's own label for a code (grades, area tags), else the platform's, else the code itself."""
    if pack_labels and value in pack_labels:
        return pack_labels[value]
    return VALUE_LABELS.get(value, {"zh": value, "en": value})
