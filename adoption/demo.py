"""Demo data for ``manage.py load_demo``: one login per role and a realistic portfolio with its history.

The portfolio's history is written in bulk rather than through ``lifecycle.services`` (far too
slow at 100,000 projects), but row for row as the services would have left it: ``_History``
replays each service call in memory — checklist items, evidence, risk screenings, gate reviews
with their snapshots, stage periods and audit rows — and the rows are inserted in large batches
(COPY on PostgreSQL, ``executemany`` elsewhere). Everything is drawn from one seeded
``random.Random`` and a base "now" of today at midnight, so a seed gives the same portfolio.
"""

import gc
import itertools
import json
import math
import operator
import queue
import random
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import JSONField, Max
from django.utils import timezone

from adoption.choices import (
    AdoptionStrategy,
    FundingSource,
    OrgUnitKind,
    ProcurementRoute,
    RagStatus,
    RiskTier,
    Role,
    ScopeLevel,
    SolutionProvider,
)
from adoption.models import CatalogueSolution, OrgUnit, Project, User, Vendor
from lifecycle import screening
from lifecycle.checklists import Profile, applies_to, requirement
from lifecycle.choices import (
    AuditAction,
    EvidenceKind,
    IncidentKind,
    IncidentStatus,
    ItemStatus,
    KpiOutcome,
    Requirement,
    ReviewDecision,
    ReviewStatus,
    Severity,
)
from lifecycle.models import (
    AuditEvent,
    ChecklistItem,
    Evidence,
    GateReview,
    Incident,
    PeriodicReview,
    RiskScreening,
    StagePeriod,
    whole_days,
)
from lifecycle.services.checklist import current_template
from lifecycle.services.gates import review_interval
from lifecycle.services.screening import SCREENING_ITEM_CODE
from lifecycle.services.transitions import TRANSITION_EXITS
from lifecycle.stages import LIFECYCLE_STAGES, Stage, next_stage

DEMO_PASSWORD = "demo-password-2026"
DEFAULT_PROJECTS = 600
CHUNK_SIZE = 2500
MAX_HISTORY_DAYS = 3 * 365
HOUR = 3600
DAY = 24 * HOUR
EMAIL_DOMAIN = "demo.invalid"  # never deliverable, whatever the mail settings


class DemoError(Exception):
    """The demo cannot be loaded into this database (e.g. reference data missing)."""


# ---------------------------------------------------------------------------------------------
# Demo logins
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    unit: str | None
    scope: str
    post: str
    description: str
    is_staff: bool = False
    is_superuser: bool = False


DEMO_USERS = (
    DemoUser(
        "officer.immd", "Alice", "Chan", Role.PROJECT_OFFICER, "ImmD", ScopeLevel.OWN_UNIT,
        "Systems Manager", "Project officer, Immigration Department",
    ),
    DemoUser(
        "approver.immd", "Raymond", "Wong", Role.GATE_APPROVER, "ImmD", ScopeLevel.OWN_UNIT,
        "Senior Systems Manager", "Gate approver, Immigration Department",
    ),
    DemoUser(
        "officer.fehd", "Karen", "Lau", Role.PROJECT_OFFICER, "FEHD", ScopeLevel.OWN_UNIT,
        "Analyst/Programmer I", "Project officer, Food and Environmental Hygiene Department",
    ),
    DemoUser(
        "approver.fehd", "Vincent", "Ho", Role.GATE_APPROVER, "FEHD", ScopeLevel.OWN_UNIT,
        "Chief Systems Manager", "Gate approver, Food and Environmental Hygiene Department",
    ),
    DemoUser(
        "manager.sb", "Margaret", "Leung", Role.MANAGEMENT, "SB", ScopeLevel.UNIT_TREE,
        "Principal Assistant Secretary for Security", "Management, Security Bureau and its departments",
    ),
    DemoUser(
        "manager.all", "Stephen", "Yip", Role.MANAGEMENT, None, ScopeLevel.ALL,
        "Deputy Secretary for Innovation, Technology and Industry", "Management, all B/Ds",
    ),
    DemoUser(
        "dpo.officer", "Jessica", "Tang", Role.DPO_OFFICER, "DPO", ScopeLevel.ALL,
        "Senior Systems Manager (AI Adoption)", "DPO officer (also Django admin for reference data)",
        is_staff=True,
    ),
    DemoUser(
        "admin", "System", "Administrator", "", None, ScopeLevel.OWN_UNIT,
        "", "System administrator (Django admin only)", is_staff=True, is_superuser=True,
    ),
)  # fmt: skip


def ensure_demo_users(now: datetime) -> list[tuple[DemoUser, User]]:
    """Create or refresh the demo logins; every run resets their password to the demo password."""
    codes = {spec.unit for spec in DEMO_USERS if spec.unit}
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in=codes)}
    missing = sorted(codes - set(units))
    if missing:
        raise DemoError(f"B/Ds missing: {', '.join(missing)}. Run `manage.py seed_reference_data` first.")
    password = make_password(DEMO_PASSWORD)  # hashed once: the slow hasher runs once, not per user
    today = timezone.localdate(now)
    result = []
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first() or User(
            username=spec.username, date_joined=now - timedelta(days=MAX_HISTORY_DAYS + 30)
        )
        user.first_name = spec.first_name
        user.last_name = spec.last_name
        user.email = f"{spec.username}@{EMAIL_DOMAIN}"
        user.role = spec.role
        user.org_unit = units.get(spec.unit)
        user.scope_level = spec.scope
        user.post_title = spec.post
        user.is_staff = spec.is_staff
        user.is_superuser = spec.is_superuser
        user.is_active = True
        user.ai_training_completed_on = today - timedelta(days=200) if spec.role == Role.GATE_APPROVER else None
        user.password = password
        user.full_clean()
        user.save()
        result.append((spec, user))
    return result


# ---------------------------------------------------------------------------------------------
# Vocabulary: names, posts, vendors, and the bilingual building blocks of project titles
# ---------------------------------------------------------------------------------------------

GIVEN_NAMES = (
    "Alice", "Amy", "Angela", "Ben", "Calvin", "Carmen", "Catherine", "Charles", "Cheryl", "Christina",
    "Daniel", "David", "Dennis", "Derek", "Edmund", "Elaine", "Eric", "Esther", "Fiona", "Florence",
    "Gary", "Grace", "Helen", "Henry", "Irene", "Ivan", "Jacky", "Janet", "Jason", "Jennifer",
    "Joanne", "Joyce", "Karen", "Kelvin", "Kenneth", "Kevin", "Louis", "Mandy", "Marco", "Michael",
    "Michelle", "Natalie", "Patrick", "Peggy", "Peter", "Priscilla", "Rebecca", "Ricky", "Samantha",
    "Samuel", "Sharon", "Simon", "Stanley", "Teresa", "Terence", "Tommy", "Vivian", "Wilson", "Winnie",
)  # fmt: skip
SURNAMES = (
    "Chan", "Wong", "Lee", "Cheung", "Lau", "Ho", "Ng", "Leung", "Yip", "Tang", "Lam", "Tsang", "Chow",
    "Fung", "Kwok", "Yeung", "Mak", "Tse", "Chu", "Law", "Lo", "Siu", "Poon", "Cheng", "Choi", "Kwan",
    "Au", "Hui", "Yuen", "Ma", "Tam", "Wu", "Ko", "Fong", "Tsui", "Lui", "Kong", "Yu", "Chung", "Shek",
)  # fmt: skip
OFFICER_POSTS = (
    "Systems Manager", "Assistant Systems Manager", "Analyst/Programmer I", "Senior Analyst/Programmer",
    "Executive Officer I", "Senior Executive Officer",
)  # fmt: skip
APPROVER_POSTS = (
    "Senior Systems Manager", "Chief Systems Manager", "Chief Executive Officer",
    "Senior Principal Executive Officer", "Assistant Director (Information Technology Management)",
)  # fmt: skip
OWNER_POSTS = {
    OrgUnitKind.DEPARTMENT: (
        "Assistant Director (Operations)", "Assistant Director (Corporate Services)", "Deputy Director",
        "Assistant Director (Planning and Development)", "Assistant Director (Licensing)",
        "Assistant Director (Administration)",
    ),
    OrgUnitKind.BUREAU: (
        "Principal Assistant Secretary (Policy)", "Principal Assistant Secretary (Administration)",
        "Deputy Secretary",
    ),
    OrgUnitKind.OFFICE: ("Head of Office", "Deputy Head of Office"),
}  # fmt: skip

# (English name, Chinese name, SOA-QPS contractor): fictional companies.
VENDORS = (
    ("Harbour Insight Analytics Limited", "海港洞見分析有限公司", True),
    ("Lion Rock Digital Solutions Limited", "獅子山數碼方案有限公司", True),
    ("Victoria Peak Systems Limited", "太平山系統有限公司", False),
    ("Kowloon Bay Technology Limited", "九龍灣科技有限公司", True),
    ("Jade Dragon AI Limited", "玉龍人工智能有限公司", False),
    ("Pearl Delta Data Services Limited", "珠三角數據服務有限公司", True),
    ("Tsing Ma Cloud Services Limited", "青馬雲端服務有限公司", False),
    ("Telegraph Bay Insight Labs Limited", "鋼綫灣洞見實驗室有限公司", False),
    ("Silvermine Robotics Limited", "銀礦機械人有限公司", False),
    ("Star Pier Software Limited", "星碼頭軟件有限公司", True),
    ("Bauhinia Intelligent Systems Limited", "紫荊智能系統有限公司", True),
    ("Tai Mo Shan Computing Limited", "大帽山運算有限公司", False),
    ("Lantau Vision Technology Limited", "大嶼山視覺科技有限公司", False),
    ("Sai Kung Language Technologies Limited", "西貢語言科技有限公司", False),
    ("Causeway Consulting Group Limited", "銅鑼灣顧問集團有限公司", True),
    ("Eastern Harbour Data Limited", "東港數據有限公司", False),
    ("Golden Bauhinia IT Services Limited", "金紫荊資訊科技服務有限公司", True),
    ("New Territories Smart City Limited", "新界智慧城市有限公司", False),
    ("Kai Tak Innovations Limited", "啟德創新有限公司", False),
    ("Pak Shek Kok AI Labs Limited", "白石角人工智能實驗室有限公司", False),
    ("Lamma Speech Technology Limited", "南丫語音科技有限公司", False),
    ("Sha Tin Data Engineering Limited", "沙田數據工程有限公司", True),
    ("Hilltop Digital Limited", "山頂數碼有限公司", False),
    ("Junk Bay Automation Limited", "將軍澳自動化有限公司", False),
    ("Aberdeen Cognitive Systems Limited", "香港仔認知系統有限公司", False),
    ("Stonecutters Secure Computing Limited", "昂船洲安全運算有限公司", True),
    ("Clear Water Bay Data Limited", "清水灣數據有限公司", False),
    ("Tolo Harbour Software Limited", "吐露港軟件有限公司", False),
    ("Mong Kok Interactive Limited", "旺角互動有限公司", False),
    ("Cheung Chau Cloud Limited", "長洲雲端有限公司", False),
    ("Repulse Bay Research Limited", "淺水灣研究有限公司", False),
    ("Shek O Systems Integration Limited", "石澳系統整合有限公司", True),
    ("Tung Chung Translation Technology Limited", "東涌翻譯科技有限公司", False),
    ("Wan Chai Knowledge Works Limited", "灣仔知識工程有限公司", False),
    ("Ma On Shan Imaging Limited", "馬鞍山影像有限公司", False),
    ("Quarry Bay Quantitative Limited", "鰂魚涌量化分析有限公司", False),
    ("Sheung Wan Solutions Limited", "上環方案有限公司", True),
    ("Tin Shui Wai Tech Limited", "天水圍科技有限公司", False),
    ("Yuen Long Robotics and Drones Limited", "元朗機械人及無人機有限公司", False),
    ("Central Pier Digital Human Studio Limited", "中環碼頭數字人工作室有限公司", False),
)

# Solution categories, short.
DOC, CHAT, KM, GEN = "document_processing", "chatbot", "knowledge_management", "content_generation"
SPEECH, MEET, IMAGE, ROBOT = "speech_translation", "meeting_tools", "image_analytics", "robotics_inspection"
PRED, HUMAN = "predictive_analytics", "digital_human"

# How a use case reads in each category: (English, Chinese) with {s} the subject.
USE_CASES = {
    CHAT: (
        ("Chatbot for {s}", "{s}聊天機械人"),
        ("Virtual assistant for {s}", "{s}虛擬助理"),
        ("24-hour bilingual enquiry bot for {s}", "{s}24小時雙語查詢機械人"),
        ("Conversational AI for {s}", "{s}對話式人工智能"),
        ("Self-service Q&A on {s}", "{s}自助問答"),
    ),
    DOC: (
        ("AI document processing for {s}", "{s}人工智能文件處理"),
        ("OCR and data extraction for {s}", "{s}光學字符識別及資料擷取"),
        ("Automated form classification for {s}", "{s}表格自動分類"),
        ("Intelligent case file vetting for {s}", "{s}智能文件審核"),
    ),
    KM: (
        ("Knowledge search assistant for {s}", "{s}知識搜尋助理"),
        ("Internal knowledge base on {s}", "{s}內部知識庫"),
        ("Retrieval-augmented assistant for {s}", "{s}檢索增強生成助理"),
    ),
    GEN: (
        ("Drafting assistant for {s}", "{s}草擬助理"),
        ("Generative AI summaries of {s}", "{s}生成式人工智能撮要"),
        ("AI-assisted replies on {s}", "{s}人工智能輔助回覆"),
    ),
    SPEECH: (
        ("Speech-to-text for {s}", "{s}語音轉文字"),
        ("Machine translation of {s}", "{s}機器翻譯"),
        ("Cantonese transcription of {s}", "{s}粵語轉錄"),
    ),
    MEET: (
        ("Meeting transcription and minutes for {s}", "{s}會議轉錄及記錄"),
        ("AI meeting summaries for {s}", "{s}人工智能會議撮要"),
    ),
    IMAGE: (
        ("Video analytics for {s}", "{s}影片分析"),
        ("Image-based anomaly detection for {s}", "{s}影像異常檢測"),
        ("Computer vision checks for {s}", "{s}電腦視覺檢查"),
        ("AI image recognition for {s}", "{s}人工智能影像識別"),
    ),
    ROBOT: (
        ("Inspection robot for {s}", "{s}巡查機械人"),
        ("Drone inspection for {s}", "{s}無人機巡查"),
        ("Autonomous patrol robot for {s}", "{s}自主巡邏機械人"),
    ),
    PRED: (
        ("Demand forecasting for {s}", "{s}需求預測"),
        ("Risk-based prioritisation of {s}", "{s}風險為本優次排列"),
        ("Predictive maintenance for {s}", "{s}預測性維修"),
        ("Early-warning analytics for {s}", "{s}預警分析"),
    ),
    HUMAN: (
        ("Digital human presenter for {s}", "{s}數字人主持"),
        ("Virtual avatar at counters for {s}", "{s}櫃位虛擬形象"),
    ),
}
# Where or for whom, as the English suffix and the Chinese prefix of a title.
TITLE_SCOPES = (
    ("", ""),
    ("", ""),
    ("", ""),
    ("", ""),
    (" – Kowloon", "九龍區"),
    (" – New Territories", "新界區"),
    (" – Hong Kong Island", "港島區"),
    (" – headquarters", "總部"),
    (" – district offices", "分區辦事處"),
    (" – frontline teams", "前線團隊"),
)
TITLE_QUALIFIERS = (
    ("", ""),
    ("", ""),
    ("", ""),
    (" (pilot)", "（試驗計劃）"),
    (" (phase 2)", "（第二期）"),
    (" (phase 3)", "（第三期）"),
    (" (extension)", "（擴展計劃）"),
    (" (upgrade)", "（提升計劃）"),
    (" (proof of concept)", "（概念驗證）"),
)

# Subjects every B/D has: (English, Chinese, categories that make sense for it).
GENERIC_SUBJECTS = (
    ("public enquiries", "公眾查詢", (CHAT, KM, HUMAN)),
    ("complaints", "投訴個案", (DOC, PRED, GEN)),
    ("Legislative Council questions", "立法會質詢", (GEN, KM)),
    ("internal circulars", "內部通告", (KM, GEN)),
    ("meeting records", "會議記錄", (MEET, SPEECH)),
    ("procurement documents", "採購文件", (DOC, KM)),
    ("staff training materials", "員工培訓教材", (GEN, KM, HUMAN)),
    ("human resources enquiries", "人事查詢", (CHAT, KM)),
    ("official correspondence", "公函", (GEN, DOC)),
    ("records management", "檔案管理", (DOC, KM)),
    ("financial reports", "財務報告", (DOC, PRED)),
    ("public notices", "公告", (SPEECH, GEN)),
    ("IT service desk", "資訊科技服務台", (CHAT, KM)),
    ("the departmental hotline", "部門熱線", (SPEECH, CHAT)),
    ("policy research", "政策研究", (KM, GEN)),
    ("public consultation submissions", "公眾諮詢意見", (DOC, GEN, PRED)),
    ("asset inventories", "資產盤點", (IMAGE, PRED)),
)
# Subjects of particular B/Ds.
UNIT_SUBJECTS = {
    "ImmD": (
        ("visa enquiries", "簽證查詢", (CHAT, KM)),
        ("travel document applications", "旅行證件申請", (DOC, PRED)),
        ("immigration control points", "出入境管制站", (IMAGE, PRED)),
        ("identity card replacement", "身份證換領", (CHAT, DOC)),
        ("residence applications", "居留申請", (DOC, PRED, KM)),
    ),
    "HKPF": (
        ("crime reports", "罪案舉報", (DOC, SPEECH, PRED)),
        ("traffic enforcement", "交通執法", (IMAGE, PRED)),
        ("999 call records", "999緊急來電記錄", (SPEECH, PRED)),
        ("lost property", "失物認領", (CHAT, IMAGE)),
        ("CCTV footage review", "閉路電視片段審閱", (IMAGE,)),
    ),
    "FEHD": (
        ("hawker licensing", "小販牌照", (CHAT, DOC)),
        ("food safety inspections", "食物安全巡查", (IMAGE, PRED, ROBOT)),
        ("pest control", "防治蟲鼠", (IMAGE, PRED)),
        ("public markets", "公眾街市", (IMAGE, PRED)),
        ("refuse collection", "垃圾收集", (PRED, IMAGE)),
        ("cemetery and crematorium bookings", "墳場及火葬場預約", (CHAT,)),
    ),
    "HD": (
        ("public housing applications", "公屋申請", (CHAT, DOC, PRED)),
        ("estate maintenance", "屋邨維修", (PRED, IMAGE, ROBOT)),
        ("tenancy enquiries", "租務查詢", (CHAT, KM)),
    ),
    "LCSD": (
        ("sports venue bookings", "康體場地預訂", (CHAT, PRED)),
        ("library services", "圖書館服務", (CHAT, KM, SPEECH)),
        ("museum collections", "博物館藏品", (IMAGE, GEN, HUMAN)),
        ("swimming pool safety", "泳池安全", (IMAGE,)),
    ),
    "DH": (
        ("vaccination records", "疫苗接種記錄", (DOC, CHAT)),
        ("clinic appointments", "診所預約", (CHAT, PRED)),
        ("health advice", "健康資訊", (GEN, CHAT, HUMAN)),
    ),
    "SWD": (
        ("social security applications", "社會保障申請", (DOC, CHAT, PRED)),
        ("elderly care services", "安老服務", (CHAT, PRED, KM)),
        ("case notes", "個案記錄", (SPEECH, GEN, KM)),
    ),
    "TD": (
        ("traffic flow", "交通流量", (PRED, IMAGE)),
        ("driving licence services", "駕駛執照服務", (CHAT, DOC)),
        ("road works coordination", "道路工程協調", (PRED,)),
    ),
    "IRD": (
        ("tax enquiries", "稅務查詢", (CHAT, KM)),
        ("tax return processing", "報稅表處理", (DOC, PRED)),
        ("stamp duty cases", "印花稅個案", (DOC, PRED)),
    ),
    "C&ED": (
        ("cargo inspection", "貨物檢查", (IMAGE, PRED, ROBOT)),
        ("passenger clearance", "旅客清關", (IMAGE, PRED)),
        ("dutiable commodities permits", "應課稅品許可證", (DOC, CHAT)),
    ),
    "FSD": (
        ("emergency calls", "緊急來電", (SPEECH, PRED)),
        ("fire safety inspections", "消防安全巡查", (IMAGE, ROBOT, DOC)),
        ("ambulance dispatch", "救護車調派", (PRED,)),
    ),
    "LandsD": (
        ("land lease documents", "地契文件", (DOC, KM)),
        ("unlawful occupation of government land", "非法佔用政府土地", (IMAGE,)),
        ("survey maps", "測量地圖", (IMAGE, PRED)),
    ),
    "BD": (
        ("building plan submissions", "建築圖則呈交", (DOC, PRED)),
        ("unauthorised building works", "違例建築工程", (IMAGE,)),
        ("building inspections", "樓宇巡查", (ROBOT, IMAGE)),
    ),
    "EPD": (
        ("air quality monitoring", "空氣質素監測", (PRED,)),
        ("illegal dumping", "非法棄置", (IMAGE,)),
        ("environmental impact reports", "環境影響評估報告", (DOC, KM, GEN)),
    ),
    "WSD": (
        ("water mains", "水管網絡", (PRED, ROBOT, IMAGE)),
        ("water bill enquiries", "水費查詢", (CHAT,)),
        ("meter reading", "水錶讀數", (IMAGE, DOC)),
    ),
    "DSD": (
        ("drainage tunnels", "排水隧道", (ROBOT, IMAGE)),
        ("flood monitoring", "水浸監測", (PRED, IMAGE)),
    ),
    "HyD": (
        ("road surface defects", "路面損壞", (IMAGE, ROBOT)),
        ("bridges and slopes", "橋樑及斜坡", (ROBOT, IMAGE, PRED)),
    ),
    "EMSD": (
        ("lifts and escalators", "升降機及自動梯", (PRED, IMAGE, ROBOT)),
        ("building energy use", "樓宇能源使用", (PRED,)),
    ),
    "CSD": (
        ("custodial operations", "羈押運作", (IMAGE, PRED)),
        ("rehabilitation programmes", "更生計劃", (KM, PRED)),
    ),
    "HKO": (
        ("weather forecasting", "天氣預報", (PRED, GEN)),
        ("weather information enquiries", "天氣資訊查詢", (CHAT, HUMAN)),
    ),
    "AFCD": (
        ("country parks", "郊野公園", (IMAGE, ROBOT)),
        ("animal management", "動物管理", (IMAGE, CHAT)),
        ("fisheries monitoring", "漁業監察", (IMAGE, PRED)),
    ),
    "CAD": (("air traffic data", "空中交通數據", (PRED,)), ("airport operations", "機場運作", (IMAGE, PRED))),
    "MD": (("vessel traffic", "船隻交通", (PRED, IMAGE)), ("marine pollution", "海上污染", (IMAGE,))),
    "LD": (
        ("employment services", "就業服務", (CHAT, PRED)),
        ("occupational safety inspections", "職業安全巡查", (IMAGE, DOC)),
    ),
    "EDB": (
        ("school enquiries", "學校查詢", (CHAT,)),
        ("curriculum resources", "課程資源", (GEN, KM)),
        ("school places allocation", "學位分配", (PRED,)),
    ),
    "HKPO": (
        ("mail sorting", "郵件分揀", (IMAGE, ROBOT, PRED)),
        ("postal enquiries", "郵政查詢", (CHAT,)),
    ),
    "RVD": (("property valuation", "物業估價", (PRED, DOC)), ("rates enquiries", "差餉查詢", (CHAT,))),
    "LR": (("land registration documents", "土地登記文件", (DOC, KM)),),
    "TRY": (("payment vouchers", "付款憑單", (DOC, PRED)),),
    "ISD": (
        ("press releases", "新聞公報", (GEN, SPEECH)),
        ("government news", "政府新聞", (GEN, HUMAN, SPEECH)),
    ),
    "DoJ": (("legal research", "法律研究", (KM, GEN)), ("bilingual legislation", "雙語法例", (SPEECH, KM))),
    "C&SD": (("statistical surveys", "統計調查", (DOC, PRED, CHAT)),),
    "GRS": (("archival records", "檔案記錄", (DOC, KM, IMAGE)),),
    "ICAC": (("corruption reports", "貪污舉報", (DOC, SPEECH, PRED)),),
    "DPO": (
        ("government website accessibility", "政府網站無障礙", (GEN, KM)),
        ("cyber security alerts", "網絡安全警報", (PRED,)),
    ),
    "Aud": (("audit working papers", "審計工作文件", (KM, DOC)),),
}
# How many projects a B/D has, relatively: the big departments have many.
UNIT_WEIGHTS = {
    "HKPF": 14, "ImmD": 12, "FEHD": 10, "HD": 9, "LCSD": 8, "DH": 8, "C&ED": 7, "SWD": 7, "TD": 7,
    "IRD": 7, "LandsD": 6, "FSD": 6, "EPD": 6, "EMSD": 5, "WSD": 5, "BD": 5, "CSD": 4, "HyD": 4,
    "DSD": 4, "AFCD": 4, "HKO": 4, "LD": 4, "EDB": 4, "DPO": 4,
}  # fmt: skip
KIND_WEIGHTS = {OrgUnitKind.DEPARTMENT: 2.0, OrgUnitKind.BUREAU: 1.2, OrgUnitKind.OFFICE: 0.6}

INFRASTRUCTURE = {
    CHAT: ("chatbot_aas", "gcip", "vendor_hosted"),
    DOC: ("gcip", "departmental", "vendor_hosted"),
    KM: ("gcip", "departmental"),
    GEN: ("gcip", "vendor_hosted", "public_cloud"),
    SPEECH: ("gcip", "vendor_hosted"),
    MEET: ("gcip", "vendor_hosted"),
    IMAGE: ("cv_hub", "gcip", "departmental"),
    ROBOT: ("departmental", "cv_hub"),
    PRED: ("bdap", "gcip", "cdeg"),
    HUMAN: ("gcip", "vendor_hosted"),
}
DATA_SOURCES = {
    CHAT: ("departmental_catalogue", "internal_records", "open_data"),
    DOC: ("internal_records", "public_submissions", "departmental_catalogue"),
    KM: ("internal_records", "departmental_catalogue"),
    GEN: ("internal_records", "open_data"),
    SPEECH: ("internal_records", "public_submissions"),
    MEET: ("internal_records",),
    IMAGE: ("sensors_imagery", "internal_records", "third_party"),
    ROBOT: ("sensors_imagery",),
    PRED: ("internal_records", "other_bd_via_cdeg", "open_data", "third_party"),
    HUMAN: ("departmental_catalogue", "open_data"),
}
SERVICE_IMPROVEMENTS = {
    CHAT: "Round-the-clock answers in English and Chinese; shorter queues at the hotline.",
    DOC: "Applications checked and entered within a day instead of a week.",
    KM: "Staff find the right guidance in seconds and give consistent answers.",
    GEN: "First drafts in minutes, leaving officers more time for checking and policy work.",
    SPEECH: "Bilingual transcripts and translations available the same day.",
    MEET: "Minutes circulated within a day of the meeting.",
    IMAGE: "Defects and irregularities spotted earlier and followed up faster.",
    ROBOT: "Fewer staff sent into confined or dangerous places; more frequent inspections.",
    PRED: "Resources deployed where they are needed before problems arise.",
    HUMAN: "Announcements in three languages at enquiry counters and online.",
}
# Chance of a "yes" to the screening questions, by category.
GENAI_LIKELY = {CHAT: 0.85, GEN: 1.0, KM: 0.7, SPEECH: 0.5, MEET: 0.6, HUMAN: 0.8, DOC: 0.3, PRED: 0.1}
PUBLIC_LIKELY = {CHAT: 0.75, HUMAN: 0.9, SPEECH: 0.3, DOC: 0.2, GEN: 0.15}
PERSONAL_DATA_LIKELY = {DOC: 0.75, IMAGE: 0.6, PRED: 0.55, CHAT: 0.4, SPEECH: 0.4, MEET: 0.3, KM: 0.2}
DECIDES_LIKELY = {PRED: 0.25, DOC: 0.1, IMAGE: 0.1}
AUTONOMOUS_LIKELY = {ROBOT: 0.2, CHAT: 0.06}
CRITICAL_LIKELY = {ROBOT: 0.35, IMAGE: 0.12, PRED: 0.06}
DECISION_SUPPORT_LIKELY = {PRED: 0.85, IMAGE: 0.4, DOC: 0.3}

STRATEGIES = ((AdoptionStrategy.OFF_THE_SHELF, 40), (AdoptionStrategy.BESPOKE, 35), (AdoptionStrategy.HYBRID, 25))
BUDGET_RANGE = {
    AdoptionStrategy.OFF_THE_SHELF: (200_000, 3_000_000),
    AdoptionStrategy.HYBRID: (500_000, 8_000_000),
    AdoptionStrategy.BESPOKE: (1_000_000, 30_000_000),
}
# Share of the budget spent, by the number of gates passed.
SPEND_SHARE = {0: (0.0, 0.02), 1: (0.0, 0.06), 2: (0.02, 0.2), 3: (0.2, 0.6), 4: (0.5, 0.95), 5: (0.75, 1.0)}
CATALOGUE_ROUTES = {
    SolutionProvider.HKGAI: ProcurementRoute.HKGAI,
    SolutionProvider.DPO_PLATFORM: ProcurementRoute.CENTRAL_PLATFORM,
    SolutionProvider.AI_PLUS_CATALOGUE: ProcurementRoute.CATALOGUE,
}

# Where projects are now: a funnel, with a share in operation and some closed.
FINAL_STATES = (
    (Stage.IDENTIFY, 32),
    (Stage.SEARCH, 26),
    (Stage.VENDOR_SELECTION, 12),
    (Stage.TEST_VALIDATE, 7),
    (Stage.DEPLOY_IMPROVE, 2),
    ("operation", 8),
    (Stage.ON_HOLD, 5),
    (Stage.CANCELLED, 6),
    (Stage.RETIRED, 2),
)
HELD_AFTER_GATES = ((0, 30), (1, 30), (2, 20), (3, 15), (4, 5))
CANCELLED_AFTER_GATES = ((0, 40), (1, 30), (2, 18), (3, 12))
STAGE_DAYS = {
    Stage.IDENTIFY: (14, 90),
    Stage.SEARCH: (21, 120),
    Stage.VENDOR_SELECTION: (30, 180),
    Stage.TEST_VALIDATE: (45, 210),
    Stage.DEPLOY_IMPROVE: (14, 90),
}
STAGE_NAMES = {
    Stage.IDENTIFY: "identify",
    Stage.SEARCH: "search",
    Stage.VENDOR_SELECTION: "vendor selection",
    Stage.TEST_VALIDATE: "test and validate",
    Stage.DEPLOY_IMPROVE: "operational readiness",
}

EVIDENCE_NOTES = (
    "Endorsed at the departmental IT steering committee; minutes filed in the project file.",
    "Checked by the responsible officer; the signed record is in the project file.",
    "Paper circulated to the business owner and agreed by e-mail; copy filed.",
    "Completed; the working papers are on the departmental document management system.",
    "Reviewed with the vendor and the user section; action notes filed.",
    "已於部門資訊科技督導委員會通過，會議記錄已存檔。",
    "經負責人員核實，已簽署的記錄存於項目檔案。",
    "文件已上載至部門電子文件管理系統。",
)
NA_JUSTIFICATIONS = (
    "Covered by the central platform's own assessment, which DPO keeps up to date.",
    "The solution is adopted from the catalogue as it is; there is no separate procurement.",
    "Not needed for a single-phase roll-out to one section.",
    "No contractor handles the data: the work is done in-house.",
    "已由中央平台的評估涵蓋，本項目無須另行處理。",
)
REQUEST_NOTES = ("", "", "All items completed; the papers are attached.", "Ready for the gate review.", "請審批。")
APPROVAL_COMMENTS = (
    "",
    "",
    "Approved.",
    "Approved. Keep the risk register up to date.",
    "Approved; report the pilot results to the steering committee.",
    "批准。",
)
RETURN_COMMENTS = (
    "Please attach the signed-off success criteria before resubmitting.",
    "The security review needs the hosting details; please update and resubmit.",
    "The options analysis should cover the catalogue solutions too.",
    "請補交私隱影響評估的最新版本。",
)
REWORK_COMMENTS = (
    "The vendor's costing came in far above the budget: revisit the options analysis.",
    "The pilot showed the data is not ready: go back and fix the data sources first.",
)
HOLD_REASONS = (
    "Waiting for funding in the next financial year.",
    "Paused until the public consultation closes.",
    "Project staff redeployed to a peak-season operation.",
    "等待下一財政年度的撥款。",
)
RESUME_REASONS = ("Funding confirmed.", "Staff available again.", "已獲撥款，恢復推行。")
CANCEL_REASONS = (
    "Superseded by a central platform offered by DPO.",
    "The business need changed after the section was reorganised.",
    "The pilot did not meet the success criteria.",
    "已由數字政策辦公室的中央平台取代。",
)
PROHIBITED_CANCEL_REASON = "The risk screening found a prohibited use: the proposal will not proceed."
RETIRE_REASONS = (
    "Replaced by the new integrated case management system.",
    "Service discontinued after a policy change.",
    "Superseded by a catalogue solution with better accuracy.",
    "系統已由新一代平台取代。",
)
HOLD_MILESTONE = "Decision on resuming the project"
INCIDENTS = {
    IncidentKind.ANOMALY: (
        ("Accuracy dropped after a change in the input data format", "Monthly sample showed accuracy down by a third."),
        ("Chatbot gave outdated fee information", "Answers quoted last year's fees after the fee revision."),
        ("Model drift found in the monthly sample", "Predictions drifted from the actual figures for two months."),
        ("OCR misread dates on scanned forms", "Day and month were swapped on a batch of forms."),
    ),
    IncidentKind.SECURITY_BREACH: (
        ("Repeated failed logins on the admin console", "Hundreds of failed logins from one address overnight."),
        ("Prompt injection attempt found in the logs", "A user tried to make the assistant reveal its instructions."),
        ("Vendor account not removed after contract end", "A former contractor's account was still active."),
    ),
    IncidentKind.ETHICAL_ISSUE: (
        ("Complaint of unequal treatment of non-Chinese speakers", "Replies in English were less complete."),
        ("Generated reply used an inappropriate tone", "A generated draft reply was curt and was sent unchecked."),
        ("Priority scores disadvantaged older applicants", "Review found lower scores for applicants over 65."),
    ),
}
INCIDENT_ACTIONS = (
    "Service switched to manual handling while the cause was investigated.",
    "Vendor asked to investigate; affected records re-checked by staff.",
    "Account disabled and logs preserved for investigation.",
)
INCIDENT_RESOLUTIONS = (
    "Cause fixed and tested; monitoring threshold tightened. Lesson: check input formats at each release.",
    "Model retrained on recent data; monthly sample enlarged.",
    "Access review now monthly; vendor accounts expire with the contract.",
    "已修正並加強監察，相關經驗已向其他組別分享。",
)
REPORTED_TO = ("", "Departmental IT Security Officer", "GIRO", "PCPD", "Ethical AI Committee", "DPO")
REVIEW_NOTES = ("", "Continue monitoring monthly.", "Extend to two more sections next year.", "運作良好，繼續推行。")


# ---------------------------------------------------------------------------------------------
# Writing rows in bulk
# ---------------------------------------------------------------------------------------------

# The columns each generated row gives, in order (attnames). ``check_columns`` keeps them in
# step with the models.
COLUMNS = {
    Project.project_officers.through: ("id", "project_id", "user_id"),
    RiskScreening: (
        "id", "project_id", "questionnaire_version", "answers", "tier", "reasons", "screened_by_id", "screened_at",
    ),
    ChecklistItem: (
        "id", "project_id", "template_item_id", "stage", "status", "justification", "completed_by_id",
        "completed_at", "added_at",
    ),
    Evidence: (
        "id", "checklist_item_id", "kind", "note", "url", "file", "original_name", "content_type", "size", "sha256",
        "added_by_id", "added_at", "removed_by_id", "removed_at",
    ),
    GateReview: (
        "id", "project_id", "stage", "status", "requested_by_id", "requested_at", "request_note",
        "submitted_snapshot", "decided_by_id", "decided_at", "decision_comment", "rework_to_stage",
        "decision_snapshot",
    ),
    StagePeriod: ("id", "project_id", "stage", "entered_at", "exited_at", "exit", "days"),
    PeriodicReview: (
        "id", "project_id", "due_date", "review_date", "kpi_results", "outcome", "realised_staff_hours_per_year",
        "realised_cost_saving_hkd_per_year", "decision", "notes", "recorded_by_id", "recorded_at",
    ),
    Incident: (
        "id", "project_id", "kind", "severity", "title", "description", "occurred_at", "opened_by_id", "opened_at",
        "actions_taken", "reported_to", "status", "closed_by_id", "closed_at", "resolution",
    ),
    AuditEvent: ("id", "project_id", "at", "actor_id", "action", "from_stage", "to_stage", "reason", "details"),
}  # fmt: skip
PROJECT_COLUMNS = tuple(field.attname for field in Project._meta.concrete_fields)
COLUMNS[Project] = PROJECT_COLUMNS
_project_values = operator.itemgetter(*PROJECT_COLUMNS)
# Parents before children.
TABLE_ORDER = (
    Project,
    Project.project_officers.through,
    RiskScreening,
    ChecklistItem,
    Evidence,
    GateReview,
    StagePeriod,
    PeriodicReview,
    Incident,
    AuditEvent,
)


def check_columns() -> None:
    """Refuse to run when a model has gained a column the generator does not fill."""
    for model, columns in COLUMNS.items():
        expected = {field.attname for field in model._meta.concrete_fields}
        if set(columns) != expected:
            raise DemoError(
                f"{model.__name__}: the demo generator fills {sorted(columns)}, the model has {sorted(expected)}."
            )


class _Inserter:
    """Inserts rows given as tuples in ``COLUMNS`` order: COPY on PostgreSQL, executemany elsewhere.

    Rows carry their own primary keys (allocated by ``_Ids``), so children can point at parents
    without reading anything back; ``reset_sequences`` moves the sequences past them at the end.
    ``db`` is the connection object itself, so that a writer thread can share it.
    """

    def __init__(self, db):
        self.db = db
        self.postgres = db.vendor == "postgresql"
        self.rows: Counter = Counter()
        self.seconds: Counter = Counter()

    def insert_all(self, rows: "_Rows") -> None:
        for model in TABLE_ORDER:
            self.insert(model, rows.by_model[model])

    def insert(self, model, rows: list[tuple]) -> None:
        if not rows:
            return
        started = time.perf_counter()
        db = self.db
        fields = [model._meta.get_field(column) for column in COLUMNS[model]]
        table = db.ops.quote_name(model._meta.db_table)
        names = ", ".join(db.ops.quote_name(field.column) for field in fields)
        if self.postgres:
            # Binary COPY: no text to format here nor to parse on the server (timestamps above all).
            # jsonb values arrive ready in its binary wire format (see ``prepare``), as bytes.
            types = ["bytea" if isinstance(field, JSONField) else field.db_type(db).split("(")[0] for field in fields]
            with db.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        else:
            prepared = []
            for row in rows:
                values = []
                for field, value in zip(fields, row, strict=True):
                    if isinstance(value, _Snapshot):
                        value = value.as_dict()
                    values.append(field.get_db_prep_save(value, db))
                prepared.append(values)
            placeholders = ", ".join(["%s"] * len(fields))
            with db.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", prepared)
        self.rows[model] += len(rows)
        self.seconds[model] += time.perf_counter() - started

    def prepare(self, rows: "_Rows") -> None:
        """On PostgreSQL, encode the JSON values as jsonb's binary format: a version byte (1) and the
        text. Done by the thread that generates, so that the writer thread only streams rows."""
        if not self.postgres:
            return
        for model in TABLE_ORDER:
            json_columns = [
                index for index, column in enumerate(COLUMNS[model])
                if isinstance(model._meta.get_field(column), JSONField)
            ]  # fmt: skip
            if not json_columns:
                continue
            table_rows = rows.by_model[model]
            for number, row in enumerate(table_rows):
                row = list(row)
                for index in json_columns:
                    value = row[index]
                    text = value.as_json() if isinstance(value, _Snapshot) else _encode_json(value)
                    row[index] = b"\x01" + text.encode()
                table_rows[number] = row

    def prepare_session(self) -> list[str]:
        """PostgreSQL settings for this transaction only; returns what was changed, to report it.

        A superuser skips the row-by-row foreign key checks (``session_replication_role``, as
        ``pg_dump --disable-triggers`` does): every key written refers to a row written in this
        transaction or read at its start. Others keep the checks, and the commit takes longer.
        """
        if not self.postgres:
            return []
        changed = []
        with self.db.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser') = 'on'")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")
                changed.append("foreign key checks skipped (superuser)")
            cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
            row = cursor.fetchone()
            if row and row[0]:
                cursor.execute("SET LOCAL default_toast_compression = lz4")
                changed.append("lz4 compression for large values")
        return changed

    def reset_sequences(self) -> None:
        with self.db.cursor() as cursor:
            for sql in self.db.ops.sequence_reset_sql(no_style(), list(TABLE_ORDER)):
                cursor.execute(sql)


class _BackgroundWriter:
    """Inserts one chunk in a thread while the main thread generates the next.

    The thread uses the main thread's connection (and so its transaction); the main thread does
    not touch the database until ``close``. The database server and Python then keep two cores
    busy instead of taking turns.
    """

    def __init__(self, inserter: _Inserter):
        self.inserter = inserter
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.waited = 0.0
        inserter.db.inc_thread_sharing()
        self.thread = threading.Thread(target=self._run, name="load_demo-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (rows := self.queue.get()) is not None:
            if self.error is None:
                try:
                    self.inserter.insert_all(rows)
                except BaseException as error:  # handed to the main thread
                    self.error = error

    def put(self, rows: "_Rows") -> None:
        if self.error is not None:
            raise self.error
        started = time.perf_counter()
        self.queue.put(rows)
        self.waited += time.perf_counter() - started

    def close(self) -> None:
        started = time.perf_counter()
        self.queue.put(None)
        self.thread.join()
        self.waited += time.perf_counter() - started
        self.inserter.db.dec_thread_sharing()
        if self.error is not None:
            raise self.error


class _Ids:
    """The next primary key of each table, allocated here rather than by the database."""

    def __init__(self):
        self._counters = {
            model: itertools.count((model.objects.aggregate(top=Max("id"))["top"] or 0) + 1) for model in TABLE_ORDER
        }
        self.project = self._counters[Project].__next__
        self.officer = self._counters[Project.project_officers.through].__next__
        self.screening = self._counters[RiskScreening].__next__
        self.item = self._counters[ChecklistItem].__next__
        self.evidence = self._counters[Evidence].__next__
        self.review = self._counters[GateReview].__next__
        self.period = self._counters[StagePeriod].__next__
        self.periodic_review = self._counters[PeriodicReview].__next__
        self.incident = self._counters[Incident].__next__
        self.audit = self._counters[AuditEvent].__next__


class _Rows:
    """The rows of one chunk of projects, per table."""

    def __init__(self):
        self.by_model: dict = {model: [] for model in TABLE_ORDER}
        self.projects = self.by_model[Project]
        self.officers = self.by_model[Project.project_officers.through]
        self.screenings = self.by_model[RiskScreening]
        self.items = self.by_model[ChecklistItem]
        self.evidence = self.by_model[Evidence]
        self.reviews = self.by_model[GateReview]
        self.periods = self.by_model[StagePeriod]
        self.periodic_reviews = self.by_model[PeriodicReview]
        self.incidents = self.by_model[Incident]
        self.audit = self.by_model[AuditEvent]


# ---------------------------------------------------------------------------------------------
# One project's history, as the services would have written it
# ---------------------------------------------------------------------------------------------


class _Item:
    __slots__ = ("added_at", "at", "by", "entry", "evidence", "id", "justification", "stage", "status", "template")

    def __init__(self, item_id, template, added_at):
        self.id = item_id
        self.template = template
        self.stage = template.stage
        self.status = ItemStatus.OPEN
        self.justification = ""
        self.by = None
        self.at = None
        self.added_at = added_at
        self.evidence: list[dict] = []  # as the snapshots show it
        self.entry = None  # the item as the snapshots show it, until it changes


def _json_encoder():
    """Compact JSON with the characters as they are. The C encoder is built once and reused: the
    load encodes millions of small values, and ``json.dumps`` builds a new one every call."""
    if json.encoder.c_make_encoder is None:
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    encoder = json.encoder.c_make_encoder(
        None, None, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    return lambda value: "".join(encoder(value, 0))


_encode_json = _json_encoder()


class _Snapshot:
    """A checklist snapshot as ``lifecycle.snapshots.checklist_snapshot`` makes it.

    Each item is an entry ``[template item, its other keys, the template item's keys as JSON,
    the whole item as JSON]``. Entries are shared with the project's other snapshots of the same
    checklist state (a request and its decision, typically), so each is encoded once, and the
    long bilingual text of a template item once per load.
    """

    __slots__ = ("header", "items")

    def __init__(self, header: dict, items: list[list]):
        self.header = header
        self.items = items

    def as_dict(self) -> dict:
        items = [
            {"code": template.code, "text_en": template.text_en, "text_zh_hant": template.text_zh_hant, **rest}
            for template, rest, _, _ in self.items
        ]
        return {**self.header, "items": items}

    def as_json(self) -> str:
        for entry in self.items:
            if entry[3] is None:
                entry[3] = entry[2] + "," + _encode_json(entry[1])[1:]
        return _encode_json(self.header)[:-1] + ',"items":[' + ",".join(entry[3] for entry in self.items) + "]}"


class _History:
    """A project's life replayed in memory. Each method writes the rows its service writes."""

    def __init__(self, gen: "_Generator", project_id: int, code: str):
        self.gen = gen
        self.ids = gen.ids
        self.rows = gen.rows
        self.project_id = project_id
        self.code = code
        self.stage = Stage.IDENTIFY
        self.tier = RiskTier.UNSCREENED
        self.flags = {"uses_generative_ai": False, "processes_personal_data": False, "is_public_facing": False}
        self._set_profile()
        self.items: dict[str, list[_Item]] = defaultdict(list)
        self.periods: list[list] = []
        self.reviews: list[list] = []
        self.pending = None
        self.held_from_stage = ""
        self.closure_reason = ""
        self.in_operation_since = self.days_to_operation = None
        self.next_review_due = None
        self.passed_at: dict[str, datetime] = {}
        self.realised = (None, None)
        self.screening_id = None
        self.last_at = None

    def _set_profile(self) -> None:
        self.profile = Profile(
            tier=self.tier,
            generative_ai=self.flags["uses_generative_ai"],
            personal_data=self.flags["processes_personal_data"],
            public_facing=self.flags["is_public_facing"],
        )
        self.required = self.gen.requirements(self.profile)

    def audit(self, at, actor, action, from_stage="", to_stage="", reason="", **details) -> None:
        self.rows.audit.append(
            (
                self.ids.audit(),
                self.project_id,
                at,
                actor.id if actor else None,
                action,
                from_stage,
                to_stage,
                reason,
                details,
            )
        )
        self.last_at = at

    # adoption.services.create_project
    def create(self, at, by, flags: dict) -> None:
        self.flags = dict(flags)
        self._set_profile()
        self.periods.append([self.ids.period(), Stage.IDENTIFY, at, None, ""])
        self.audit(at, by, AuditAction.PROJECT_CREATED, to_stage=Stage.IDENTIFY, code=self.code)
        self.ensure_checklist(Stage.IDENTIFY, at, by)

    # lifecycle.services.checklist.ensure_checklist
    def ensure_checklist(self, stage, at, by) -> None:
        if stage not in LIFECYCLE_STAGES:
            return
        existing = self.items[stage]
        have = {item.template.id for item in existing}
        new = [
            _Item(self.ids.item(), template, at)
            for template in self.gen.applicable(stage, self.profile)
            if template.id not in have
        ]
        if not new:
            return
        action = AuditAction.CHECKLIST_ITEMS_ADDED if existing else AuditAction.CHECKLIST_CREATED
        existing.extend(new)
        self.audit(at, by, action, to_stage=stage, items=[item.template.code for item in new])

    # lifecycle.services.screening.screen_risk
    def screen(self, at, by, answers: dict) -> None:
        clean = screening.validate_answers(answers)
        tier, reasons = screening.score(clean)
        self.screening_id = self.ids.screening()
        self.rows.screenings.append(
            (self.screening_id, self.project_id, screening.QUESTIONNAIRE_VERSION, clean, tier, reasons, by.id, at)
        )
        flags = screening.profile_flags(clean)
        before = {"risk_tier": self.tier, **self.flags}
        after = {"risk_tier": tier, **flags}
        self.tier, self.flags = tier, flags
        self._set_profile()
        for stage_items in self.items.values():
            for item in stage_items:
                item.entry = None  # its requirement may have changed
        self.audit(
            at,
            by,
            AuditAction.RISK_SCREENED,
            screening=self.screening_id,
            tier=tier,
            reasons=reasons,
            changed={key: [before[key], after[key]] for key in after if before[key] != after[key]},
        )
        self.ensure_checklist(self.stage, at, by)
        if self.stage != Stage.IDENTIFY or tier == RiskTier.PROHIBITED:
            return
        item = next(
            (i for i in self.items[Stage.IDENTIFY] if i.template.code == SCREENING_ITEM_CODE and i.status == "open"),
            None,
        )
        if item is None:
            return
        note = self.gen.screening_note(tier, reasons)
        self._add_evidence(item, at, by, note=note)
        item.status, item.by, item.at, item.entry = ItemStatus.DONE, by, at, None
        self.audit(
            at,
            by,
            AuditAction.ITEM_DONE,
            to_stage=item.stage,
            item=SCREENING_ITEM_CODE,
            previous_status=ItemStatus.OPEN,
            screening=self.screening_id,
        )

    def _add_evidence(self, item, at, by, note="", url="") -> list[dict]:
        added = []
        when = at.isoformat()
        for kind, text, link in ((EvidenceKind.NOTE, note, ""), (EvidenceKind.LINK, "", url)):
            if not (text or link):
                continue
            evidence_id = self.ids.evidence()
            self.rows.evidence.append(
                (evidence_id, item.id, kind, text, link, "", "", "", None, "", by.id, at, None, None)
            )
            item.evidence.append(
                {
                    "id": evidence_id,
                    "kind": kind,
                    "note": text,
                    "url": link,
                    "file_name": "",
                    "size": None,
                    "sha256": "",
                    "added_by": self.gen.person(by),
                    "added_at": when,
                }
            )
            added.append({"id": evidence_id, "kind": kind, "file_name": "", "url": link, "sha256": ""})
        return added

    # lifecycle.services.checklist.complete_item
    def complete(self, item, at, by, note="", url="") -> None:
        added = self._add_evidence(item, at, by, note=note, url=url)
        previous = item.status
        item.status, item.justification, item.by, item.at, item.entry = ItemStatus.DONE, "", by, at, None
        self.audit(
            at,
            by,
            AuditAction.ITEM_DONE,
            to_stage=item.stage,
            item=item.template.code,
            previous_status=previous,
            evidence=added,
        )

    # lifecycle.services.checklist.mark_not_applicable
    def not_applicable(self, item, at, by, justification) -> None:
        previous = item.status
        item.status, item.justification, item.by, item.at = ItemStatus.NOT_APPLICABLE, justification, by, at
        item.entry = None
        self.audit(
            at,
            by,
            AuditAction.ITEM_NOT_APPLICABLE,
            to_stage=item.stage,
            reason=justification,
            item=item.template.code,
            previous_status=previous,
        )

    def blocking(self, stage) -> list[_Item]:
        """``lifecycle.checklists.is_blocking``, with the requirements worked out once per profile."""
        required = self.required
        return [
            item
            for item in self.items[stage]
            if item.status == ItemStatus.OPEN and required[item.template.id] == Requirement.MANDATORY
        ]

    # lifecycle.snapshots.checklist_snapshot
    def snapshot(self, stage, at) -> "_Snapshot":
        header = {
            "taken_at": at.isoformat(),
            "stage": stage,
            "template_version": self.gen.template_version,
            "profile": {
                "risk_tier": self.tier,
                "uses_generative_ai": self.flags["uses_generative_ai"],
                "processes_personal_data": self.flags["processes_personal_data"],
                "is_public_facing": self.flags["is_public_facing"],
            },
        }
        items = sorted(self.items[stage], key=lambda item: (item.template.order, item.template.code))
        return _Snapshot(header, [item.entry or self._entry(item) for item in items])

    def _entry(self, item) -> list:
        template = item.template
        rest = {
            "requirement": self.required[template.id],
            "status": item.status,
            "justification": item.justification,
            "completed_by": self.gen.person(item.by) if item.by else None,
            "completed_at": item.at.isoformat() if item.at else None,
            "evidence": list(item.evidence),
        }
        item.entry = [template, rest, self.gen.template_json[template.id], None]
        return item.entry

    # lifecycle.services.gates.request_gate_review
    def request(self, at, by, note="") -> list:
        if self.tier in (RiskTier.UNSCREENED, RiskTier.PROHIBITED) or self.blocking(self.stage) or self.pending:
            raise AssertionError(f"{self.code}: the gate of {self.stage} cannot be requested")
        review = [
            self.ids.review(), self.project_id, self.stage, ReviewStatus.PENDING, by.id, at, note,
            self.snapshot(self.stage, at), None, None, "", "", {},
        ]  # fmt: skip
        self.reviews.append(review)
        self.pending = review
        self.audit(at, by, AuditAction.GATE_REQUESTED, from_stage=self.stage, reason=note, review=review[0])
        return review

    def _decide(self, at, by, status, comment, rework_to="") -> list:
        review = self.pending
        if by.id == review[4] or by.org_unit_id != self.gen.unit_id or by.role != Role.GATE_APPROVER:
            raise AssertionError(f"{self.code}: {by.username} cannot decide this review")
        review[3], review[8], review[9], review[10], review[11] = status, by.id, at, comment, rework_to
        review[12] = self.snapshot(review[2], at)
        self.pending = None
        return review

    # lifecycle.services.gates.approve_gate_review
    def approve(self, at, by, comment="") -> None:
        review = self._decide(at, by, ReviewStatus.APPROVED, comment)
        self.audit(at, by, AuditAction.GATE_APPROVED, from_stage=review[2], reason=comment, review=review[0])
        self.passed_at[self.stage] = at
        if self.stage == Stage.DEPLOY_IMPROVE:
            self.in_operation_since = self.gen.local_date(at)
            self.days_to_operation = (self.in_operation_since - self.gen.local_date(self.periods[-1][2])).days
            self.next_review_due = self.in_operation_since + review_interval(self.tier)
            self.audit(
                at,
                by,
                AuditAction.OPERATION_STARTED,
                from_stage=self.stage,
                to_stage=self.stage,
                review=review[0],
                next_periodic_review_due=self.next_review_due.isoformat(),
            )
        else:
            self.change_stage(at, by, "advance", reason=comment)

    # lifecycle.services.gates.return_gate_review
    def return_review(self, at, by, comment, rework_to="") -> None:
        review = self._decide(at, by, ReviewStatus.RETURNED, comment, rework_to)
        self.audit(
            at,
            by,
            AuditAction.GATE_RETURNED,
            from_stage=review[2],
            to_stage=rework_to,
            reason=comment,
            review=review[0],
        )
        if rework_to:
            self.change_stage(at, by, "rework", reason=comment, to_stage=rework_to)

    # lifecycle.services.transitions.change_stage (and the transitions of lifecycle.state_machine)
    def change_stage(self, at, by, transition, reason="", to_stage="") -> None:
        source = self.stage
        if transition == "advance":
            target = next_stage(source)
        elif transition == "rework":
            target = to_stage
            self.in_operation_since = self.days_to_operation = None
        elif transition == "hold":
            target, self.held_from_stage = Stage.ON_HOLD, source
        elif transition == "resume":
            target, self.held_from_stage = self.held_from_stage, ""
        elif transition == "cancel":
            target, self.closure_reason = Stage.CANCELLED, reason
        elif transition == "retire":
            target, self.closure_reason = Stage.RETIRED, reason
        else:
            raise ValueError(transition)
        self.stage = target
        period = self.periods[-1]
        period[3], period[4] = at, TRANSITION_EXITS[transition]
        self.periods.append([self.ids.period(), target, at, None, ""])
        self.audit(
            at, by, AuditAction.STAGE_CHANGED, from_stage=source, to_stage=target, reason=reason, transition=transition
        )
        self.ensure_checklist(target, at, by)

    # lifecycle.services.operation.record_periodic_review
    def periodic_review(self, at, by, review_date, outcome, decision, hours, saving, kpi_results, notes) -> None:
        review_id = self.ids.periodic_review()
        self.rows.periodic_reviews.append(
            (
                review_id, self.project_id, self.next_review_due, review_date, kpi_results, outcome, hours, saving,
                decision, notes, by.id, at,
            )
        )  # fmt: skip
        self.next_review_due = review_date + review_interval(self.tier)
        self.realised = (hours, saving)
        self.audit(
            at,
            by,
            AuditAction.PERIODIC_REVIEW,
            reason=notes,
            review=review_id,
            outcome=outcome,
            decision=decision,
            next_due=self.next_review_due.isoformat(),
        )

    # lifecycle.services.operation.open_incident and close_incident
    def incident(self, occurred_at, opened_at, by, kind, severity, title, description, actions, reported_to, closed):
        incident_id = self.ids.incident()
        closed_by, closed_at, resolution = closed or (None, None, "")
        status = IncidentStatus.CLOSED if closed else IncidentStatus.OPEN
        self.rows.incidents.append(
            (
                incident_id, self.project_id, kind, severity, title, description, occurred_at, by.id, opened_at,
                actions, reported_to, status, closed_by.id if closed_by else None, closed_at, resolution,
            )
        )  # fmt: skip
        self.audit(
            opened_at, by, AuditAction.INCIDENT_OPENED, reason=title, incident=incident_id, kind=kind, severity=severity
        )
        if closed:
            self.audit(closed_at, closed_by, AuditAction.INCIDENT_CLOSED, reason=resolution, incident=incident_id)

    def flush(self) -> None:
        """The rows whose final state is known only now: items, periods, reviews."""
        rows, project_id = self.rows, self.project_id
        for stage_items in self.items.values():
            for item in stage_items:
                rows.items.append(
                    (
                        item.id, project_id, item.template.id, item.stage, item.status, item.justification,
                        item.by.id if item.by else None, item.at, item.added_at,
                    )
                )  # fmt: skip
        for period_id, stage, entered, exited, exit_ in self.periods:
            days = whole_days(entered, exited) if exited else None
            rows.periods.append((period_id, project_id, stage, entered, exited, exit_, days))
        rows.reviews.extend(tuple(review) for review in self.reviews)


# ---------------------------------------------------------------------------------------------
# The portfolio generator
# ---------------------------------------------------------------------------------------------


class _Random(random.Random):
    """``random.Random`` with a cheaper ``choice`` and ``randint``: the load draws millions of them."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _slug(code: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", code.lower().replace("&", " and ")).strip("-")


def _money(value: float, step: int = 1000) -> Decimal:
    return Decimal(round(value / step) * step)


@dataclass
class _Staff:
    officers: list
    approvers: list


class _Generator:
    """Builds projects one at a time into ``rows``; all randomness comes from ``rng``."""

    def __init__(self, rng, now, ids, template, template_items, staff, vendors, catalogue):
        self.rng = rng
        self.now = now
        self.zone = timezone.get_current_timezone()
        self.today = self.local_date(now)
        self.ids = ids
        self.template_version = template.version
        self.template_items = template_items
        self.staff = staff
        self.vendors = vendors
        self.soa_vendors = [vendor for vendor in vendors if vendor.is_soa_qps_contractor]
        self.catalogue = catalogue
        self.stalled_days = settings.TRACKER_STALLED_AFTER_DAYS
        self.rows = _Rows()
        self.unit_id = None
        self._people: dict[int, dict] = {}
        self._requirements: dict[Profile, dict] = {}
        self._applicable: dict[tuple, list] = {}
        self._screening_notes: dict[tuple, str] = {}
        self.template_json = {
            item.id: _encode_json({"code": item.code, "text_en": item.text_en, "text_zh_hant": item.text_zh_hant})[:-1]
            for items in template_items.values()
            for item in items
        }

    def requirements(self, profile) -> dict:
        """Template item id → its requirement for ``profile`` (``lifecycle.checklists.requirement``)."""
        found = self._requirements.get(profile)
        if found is None:
            found = {
                item.id: requirement(item.applies, profile) for items in self.template_items.values() for item in items
            }
            self._requirements[profile] = found
        return found

    def applicable(self, stage, profile) -> list:
        """The stage's template items that apply to ``profile`` (``lifecycle.checklists.applies_to``)."""
        key = (stage, profile)
        found = self._applicable.get(key)
        if found is None:
            found = [item for item in self.template_items[stage] if applies_to(item.applies, profile)]
            self._applicable[key] = found
        return found

    def screening_note(self, tier, reasons) -> str:
        """The evidence note ``screen_risk`` adds to the screening item (in English, as the command runs)."""
        key = (tier, tuple(reasons))
        found = self._screening_notes.get(key)
        if found is None:
            found = "Risk screening recorded: tier {tier}. {reasons}".format(
                tier=RiskTier(tier).label, reasons=" ".join(screening.reason_texts(reasons))
            )
            self._screening_notes[key] = found
        return found

    def local_date(self, moment: datetime):
        """``timezone.localdate``, without looking the time zone up every time."""
        return moment.astimezone(self.zone).date()

    def person(self, user) -> dict:
        """A user as ``lifecycle.snapshots`` shows one."""
        found = self._people.get(user.id)
        if found is None:
            found = {"id": user.id, "username": user.username, "name": str(user), "post": user.post_title}
            self._people[user.id] = found
        return found

    @staticmethod
    def _at(start, seconds: float, share: float):
        """The moment ``share`` of the way through a span of ``seconds`` from ``start``, to the second."""
        return start + timedelta(seconds=int(seconds * share))

    def _between(self, start, end):
        """A moment between start and end, to the second."""
        return start + timedelta(seconds=int((end - start).total_seconds() * self.rng.random()))

    def _days(self, stage) -> float:
        low, high = STAGE_DAYS[stage]
        return self.rng.uniform(low, high)

    # -- what the project is ----------------------------------------------------------------

    def _subject(self, unit):
        rng = self.rng
        own = UNIT_SUBJECTS.get(unit.code, ())
        pool = own if own and rng.random() < 0.65 else GENERIC_SUBJECTS
        return rng.choice(pool)

    def _answers(self, category, may_be_prohibited: bool) -> dict:
        rng = self.rng

        def yes(table, default=0.05):
            return rng.random() < table.get(category, default)

        answers = {
            "unacceptable_use": may_be_prohibited and rng.random() < 0.03,
            "decides_on_individuals": yes(DECIDES_LIKELY, 0.02),
            "acts_autonomously": yes(AUTONOMOUS_LIKELY, 0.01),
            "critical_infrastructure": yes(CRITICAL_LIKELY, 0.01),
            "personal_data": yes(PERSONAL_DATA_LIKELY, 0.15),
            "generative_ai": yes(GENAI_LIKELY, 0.05),
            "public_facing": yes(PUBLIC_LIKELY, 0.1),
            "decision_support": yes(DECISION_SUPPORT_LIKELY, 0.15),
        }
        if answers["personal_data"]:
            answers["sensitive_data_at_scale"] = rng.random() < 0.08
        if answers["generative_ai"]:
            answers["genai_output_to_public"] = rng.random() < (0.06 if answers["public_facing"] else 0.01)
        return answers

    # -- the plan of its life ----------------------------------------------------------------

    def _segments(self, passed: int, ending: str, unscreened: bool) -> list[list]:
        """The project's life as consecutive time segments ``[kind, stage, days]``; the last is open.

        Kinds: ``pass`` (work, request, approve), ``pass_returned`` (the first request is returned),
        ``rework`` (returned to the previous stage, which is passed again in ``repass``),
        ``work_then_hold`` and ``held`` (put on hold, then resumed), and the endings ``open``,
        ``partial_then_hold`` + ``held_open``, ``partial_then_cancel`` + ``closed``, ``operate``,
        ``operate_then_retire`` + ``closed``.
        """
        rng = self.rng
        segments = []
        for number in range(passed):
            stage = LIFECYCLE_STAGES[number]
            days = self._days(stage)
            roll = rng.random()
            if number and roll < 0.015:
                previous = LIFECYCLE_STAGES[number - 1]
                segments += [
                    ["rework", stage, days],
                    ["repass", previous, rng.uniform(7, 30)],
                    ["pass", stage, rng.uniform(10, 40)],
                ]
            elif roll < 0.07:
                segments.append(["pass_returned", stage, days * 1.3])
            elif roll < 0.10:
                segments += [
                    ["work_then_hold", stage, days / 2],
                    ["held", Stage.ON_HOLD, rng.uniform(20, 150)],
                    ["pass", stage, days / 2],
                ]
            else:
                segments.append(["pass", stage, days])
        current = LIFECYCLE_STAGES[min(passed, len(LIFECYCLE_STAGES) - 1)]
        stalled = self.stalled_days
        if ending == "open":
            if unscreened:
                elapsed = rng.uniform(1, 45)
            elif rng.random() < 0.2:
                elapsed = rng.uniform(stalled + 1, stalled + 300)
            else:
                elapsed = rng.uniform(2, stalled - 2)
            segments.append(["open", current, elapsed])
        elif ending == "hold":
            segments.append(["partial_then_hold", current, self._days(current)])
            segments.append(["held_open", Stage.ON_HOLD, rng.uniform(10, 365)])
        elif ending == "cancel":
            segments.append(["partial_then_cancel", current, self._days(current)])
            segments.append(["closed", Stage.CANCELLED, rng.uniform(3, 600)])
        elif ending == "operate":
            segments.append(["operate", current, rng.uniform(20, 900)])
        else:
            segments.append(["operate_then_retire", current, rng.uniform(180, 900)])
            segments.append(["closed", Stage.RETIRED, rng.uniform(3, 500)])
        closed_days = sum(segment[2] for segment in segments[:-1])
        room = MAX_HISTORY_DAYS - segments[-1][2]
        if closed_days > room:
            factor = max(room, 60) / closed_days
            for segment in segments[:-1]:
                segment[2] = max(1.0, segment[2] * factor)
        return segments

    def _plan(self, history, stage, full: bool) -> list:
        """Which of the stage's open items get done or marked N/A, in a random order."""
        rng = self.rng
        done_share = 1.0 if full else rng.uniform(0.0, 0.7)
        plan = []
        for item in history.items[stage]:
            if item.status != ItemStatus.OPEN or item.template.code == SCREENING_ITEM_CODE:
                continue
            mandatory = history.required[item.template.id] == Requirement.MANDATORY
            na_allowed = item.template.na_allowed
            roll = rng.random()
            if full and mandatory:
                action = "na" if na_allowed and roll < 0.1 else "done"
            elif full:
                action = "done" if roll < 0.45 else "na" if na_allowed and roll < 0.65 else None
            else:
                action = "done" if roll < done_share else "na" if na_allowed and roll < done_share + 0.05 else None
            if action:
                plan.append((item, action))
        rng.shuffle(plan)
        return plan

    def _work(self, history, plan, start, end, share=1.0) -> None:
        """Carry out the first ``share`` of ``plan`` (removing it) at times between start and end."""
        rng = self.rng
        count = len(plan) if share >= 1 else int(len(plan) * share)
        todo, plan[:] = plan[:count], plan[count:]
        times = sorted(self._between(start, end) for _ in todo)
        for (item, action), at in zip(todo, times, strict=True):
            by = rng.choice(self.project_officers)
            if action == "done":
                roll = rng.random()
                note = rng.choice(EVIDENCE_NOTES) if roll < 0.8 else ""
                url = f"{self._link_prefix}{item.template.code.lower()}" if roll >= 0.75 else ""
                history.complete(item, at, by, note=note, url=url)
            else:
                history.not_applicable(item, at, by, rng.choice(NA_JUSTIFICATIONS))

    def _decider(self):
        rng = self.rng
        if rng.random() < 0.7:
            return self.responsible
        return rng.choice(self.unit_staff.approvers)

    def _anyone(self):
        return self.rng.choice([*self.project_officers, self.responsible])

    # -- building one project ----------------------------------------------------------------

    def build(self, unit, code_for) -> None:
        rng = self.rng
        self.unit, self.unit_id = unit, unit.pk
        self.unit_staff = self.staff[unit.pk]
        state = _pick(rng, FINAL_STATES)
        if state in LIFECYCLE_STAGES:
            passed, ending = LIFECYCLE_STAGES.index(state), "open"
        elif state == "operation":
            passed, ending = 5, "operate"
        elif state == Stage.RETIRED:
            passed, ending = 5, "retire"
        elif state == Stage.ON_HOLD:
            passed, ending = _pick(rng, HELD_AFTER_GATES), "hold"
        else:
            passed, ending = _pick(rng, CANCELLED_AFTER_GATES), "cancel"
        unscreened = passed == 0 and ending == "open" and rng.random() < 0.3
        self._expected_hours = int(math.exp(rng.uniform(math.log(300), math.log(40_000))) / 50) * 50

        subject_en, subject_zh, categories = self._subject(unit)
        category = rng.choice(categories)
        answers = screening.validate_answers(self._answers(category, may_be_prohibited=passed == 0))
        # Some open stages have every required item done and a gate review waiting for a decision.
        pending = ending == "open" and not unscreened and not answers["unacceptable_use"] and rng.random() < 0.12
        segments = self._segments(passed, ending, unscreened)

        self.project_officers = rng.sample(
            self.unit_staff.officers, min(len(self.unit_staff.officers), rng.choice((1, 1, 2)))
        )
        self.responsible = rng.choice(self.unit_staff.approvers)
        creator = self.project_officers[0]
        total_days = sum(segment[2] for segment in segments)
        created = self.now - timedelta(seconds=int(total_days * DAY))
        code = code_for(unit, self.local_date(created).year)
        project_id = self.ids.project()
        self._link_prefix = f"https://edms.example.gov.hk/{_slug(unit.code)}/{code}/"
        history = _History(self, project_id, code)
        history.create(created, creator, screening.profile_flags(answers))

        plans: dict[str, list] = {}
        incident_due = passed >= 3 and rng.random() < 0.06
        start = created
        for index, (kind, stage, days) in enumerate(segments):
            last = index == len(segments) - 1
            end = self.now if last else start + timedelta(seconds=int(days * DAY))
            work_from = start
            if index == 0 and not unscreened:
                work_from = self._between(start, start + (end - start) * 0.12)
                history.screen(work_from, creator, answers)
            if stage in LIFECYCLE_STAGES and stage not in plans:
                full = pending if kind == "open" else kind not in ("partial_then_hold", "partial_then_cancel")
                plans[stage] = self._plan(history, stage, full)
            span = (end - work_from).total_seconds()
            plan = plans.get(stage)
            if kind == "pass":
                self._work(history, plan, work_from, self._at(work_from, span, 0.8))
                history.request(self._at(work_from, span, rng.uniform(0.82, 0.95)), creator, rng.choice(REQUEST_NOTES))
                history.approve(end, self._decider(), rng.choice(APPROVAL_COMMENTS))
            elif kind == "pass_returned":
                self._work(history, plan, work_from, self._at(work_from, span, 0.55))
                history.request(self._at(work_from, span, 0.6), creator, rng.choice(REQUEST_NOTES))
                history.return_review(self._at(work_from, span, 0.68), self._decider(), rng.choice(RETURN_COMMENTS))
                history.request(self._at(work_from, span, rng.uniform(0.8, 0.92)), rng.choice(self.project_officers))
                history.approve(end, self._decider(), rng.choice(APPROVAL_COMMENTS))
            elif kind == "rework":
                self._work(history, plan, work_from, self._at(work_from, span, 0.7))
                history.request(self._at(work_from, span, 0.8), creator, rng.choice(REQUEST_NOTES))
                history.return_review(
                    end,
                    self._decider(),
                    rng.choice(REWORK_COMMENTS),
                    rework_to=LIFECYCLE_STAGES[LIFECYCLE_STAGES.index(stage) - 1],
                )
            elif kind == "repass":
                self._work(history, plan, work_from, self._at(work_from, span, 0.3))
                history.request(self._at(work_from, span, rng.uniform(0.4, 0.6)), creator)
                history.approve(end, self._decider(), rng.choice(APPROVAL_COMMENTS))
            elif kind == "work_then_hold":
                self._work(history, plan, work_from, self._at(work_from, span, 0.9), share=0.5)
                history.change_stage(end, self._anyone(), "hold", reason=rng.choice(HOLD_REASONS))
            elif kind == "held":
                history.change_stage(end, self._anyone(), "resume", reason=rng.choice(RESUME_REASONS))
            elif kind == "partial_then_hold":
                self._work(history, plan, work_from, self._at(work_from, span, 0.85))
                history.change_stage(end, self._anyone(), "hold", reason=rng.choice(HOLD_REASONS))
            elif kind == "partial_then_cancel":
                self._work(history, plan, work_from, self._at(work_from, span, 0.85))
                reason = PROHIBITED_CANCEL_REASON if history.tier == RiskTier.PROHIBITED else rng.choice(CANCEL_REASONS)
                history.change_stage(end, self._anyone(), "cancel", reason=reason)
            elif kind == "open":
                if pending:
                    self._work(history, plan, work_from, self._at(work_from, span, 0.85))
                    history.request(
                        self._at(work_from, span, rng.uniform(0.88, 0.98)), creator, rng.choice(REQUEST_NOTES)
                    )
                else:
                    self._work(history, plan, work_from, self._at(work_from, span, 0.9))
            elif kind in ("operate", "operate_then_retire"):
                self._operate(history, start, end)
                if kind == "operate_then_retire":
                    history.change_stage(end, self.responsible, "retire", reason=rng.choice(RETIRE_REASONS))
            if incident_due and stage in (Stage.TEST_VALIDATE, Stage.DEPLOY_IMPROVE) and kind != "repass":
                incident_due = False
                self._incident(history, start, end, closed=history.stage not in LIFECYCLE_STAGES or not last)
            start = end

        history.flush()
        self._project_row(history, project_id, code, created, unit, subject_en, subject_zh, category, passed, ending)

    def _operate(self, history, start, end) -> None:
        """Periodic reviews while in operation, each about when due; some left overdue."""
        rng = self.rng
        while True:
            review_date = history.next_review_due + timedelta(days=rng.randint(-20, 40))
            review_date = max(review_date, history.in_operation_since)
            recorded = timezone.make_aware(
                datetime.combine(review_date, datetime.min.time()) + timedelta(seconds=rng.randint(9 * HOUR, 18 * HOUR))
            ).astimezone(UTC)
            if recorded >= end or review_date >= self.today or rng.random() < 0.08:
                return
            hours = int(self._expected_hours * rng.uniform(0.4, 1.3) / 10) * 10
            saving = _money(hours * rng.uniform(250, 450))
            outcome = _pick(rng, ((KpiOutcome.MET, 60), (KpiOutcome.PARTLY_MET, 30), (KpiOutcome.NOT_MET, 10)))
            decision = ReviewDecision.CONTINUE if outcome == KpiOutcome.MET else ReviewDecision.IMPROVE
            kpi = (
                f"Handling time down {rng.randint(10, 60)}% against a target of {rng.randint(20, 50)}%; "
                f"user satisfaction {rng.randint(70, 96)}%; accuracy {rng.randint(88, 99)}% on the monthly sample."
            )
            history.periodic_review(
                recorded, self._anyone(), review_date, outcome, decision, hours, saving, kpi, rng.choice(REVIEW_NOTES)
            )

    def _incident(self, history, start, end, closed: bool) -> None:
        rng = self.rng
        kind = _pick(
            rng, ((IncidentKind.ANOMALY, 60), (IncidentKind.SECURITY_BREACH, 15), (IncidentKind.ETHICAL_ISSUE, 25))
        )
        severity = _pick(rng, ((Severity.LOW, 40), (Severity.MEDIUM, 35), (Severity.HIGH, 20), (Severity.CRITICAL, 5)))
        title, description = rng.choice(INCIDENTS[kind])
        occurred = self._between(start, start + (end - start) * 0.9)
        # Opened while the project was still in this segment's stage (a closed project takes none).
        opened = max(
            occurred, min(occurred + timedelta(seconds=rng.randint(HOUR, 48 * HOUR)), end - timedelta(seconds=1))
        )
        by = rng.choice(self.project_officers)
        closing = None
        if closed or rng.random() < 0.7:
            closed_at = opened + timedelta(seconds=rng.randint(DAY, 30 * DAY))
            if closed_at < self.now:
                closing = (self._anyone(), closed_at, rng.choice(INCIDENT_RESOLUTIONS))
        history.incident(
            occurred, opened, by, kind, severity, title, description,
            rng.choice(INCIDENT_ACTIONS), rng.choice(REPORTED_TO), closing,
        )  # fmt: skip

    # -- the project row ---------------------------------------------------------------------

    def _project_row(self, history, project_id, code, created, unit, subject_en, subject_zh, category, passed, ending):
        rng = self.rng
        strategy = _pick(rng, STRATEGIES)
        solution = None
        solutions = self.catalogue.get(category, ())
        catalogue_share = {AdoptionStrategy.OFF_THE_SHELF: 0.7, AdoptionStrategy.HYBRID: 0.45}.get(strategy, 0)
        if solutions and rng.random() < catalogue_share:
            solution = rng.choice(solutions)
        pattern_en, pattern_zh = rng.choice(USE_CASES[category])
        scope_en, scope_zh = rng.choice(TITLE_SCOPES)
        qualifier_en, qualifier_zh = rng.choice(TITLE_QUALIFIERS)
        title_en = pattern_en.format(s=subject_en) + scope_en + qualifier_en
        title_zh = scope_zh + pattern_zh.format(s=subject_zh) + qualifier_zh

        low, high = BUDGET_RANGE[strategy]
        budget = _money(math.exp(rng.uniform(math.log(low), math.log(high))), 10_000)
        if rng.random() < {0: 0.5, 1: 0.2}.get(passed, 0):  # not yet approved
            budget = None
        share_low, share_high = SPEND_SHARE[passed]
        share = rng.uniform(share_low, share_high)
        if passed >= 3 and rng.random() < 0.04:
            share = rng.uniform(1.0, 1.12)
        spend = _money(float(budget) * share, 100) if budget else Decimal(0)
        if budget is None:
            funding = ""
        elif budget > 20_000_000:
            funding = FundingSource.FINANCE_COMMITTEE
        elif solution and solution.provider == SolutionProvider.DPO_PLATFORM and rng.random() < 0.6:
            funding = FundingSource.CENTRAL
        else:
            funding = FundingSource.CACP if rng.random() < 0.4 else FundingSource.DEPARTMENTAL

        vendor, route = None, ""
        if solution:
            route = CATALOGUE_ROUTES[solution.provider]
            if solution.provider == SolutionProvider.AI_PLUS_CATALOGUE and passed >= 2:
                vendor = rng.choice(self.vendors)
        elif strategy == AdoptionStrategy.BESPOKE and rng.random() < 0.25:
            route = ProcurementRoute.IN_HOUSE
        else:
            if budget is not None and budget > 5_000_000:
                route = ProcurementRoute.OPEN_TENDER if rng.random() < 0.6 else ProcurementRoute.SOA_QPS
            elif budget is not None and budget < 1_400_000:
                route = ProcurementRoute.QUOTATION if rng.random() < 0.6 else ProcurementRoute.SOA_QPS
            else:
                route = ProcurementRoute.SOA_QPS
            if passed >= 3 or (passed == 2 and rng.random() < 0.5):
                vendor = rng.choice(self.soa_vendors if route == ProcurementRoute.SOA_QPS else self.vendors)
        if passed == 0 and rng.random() < 0.6:
            route = ""

        infrastructure = rng.sample(INFRASTRUCTURE[category], rng.randint(1, min(2, len(INFRASTRUCTURE[category]))))
        data_sources = rng.sample(DATA_SOURCES[category], rng.randint(1, min(3, len(DATA_SOURCES[category]))))

        hours = self._expected_hours
        expected_saving = _money(hours * rng.uniform(280, 420))
        has_expected = not (passed == 0 and rng.random() < 0.3)

        # Target dates: passed gates near when they were passed, the current one planned from when
        # the project entered it, later ones after it. Never before the start nor the previous gate.
        start_date = self.local_date(created)
        visits = [period for period in history.periods if period[1] in LIFECYCLE_STAGES]
        last_stage, last_entered = visits[-1][1], visits[-1][2]
        targets = {}
        previous = start_date
        for stage in LIFECYCLE_STAGES:
            low_days, high_days = STAGE_DAYS[stage]
            if stage in history.passed_at:
                target = self.local_date(history.passed_at[stage]) + timedelta(days=rng.randint(-30, 20))
            elif stage == last_stage:
                target = self.local_date(last_entered) + timedelta(days=rng.randint(low_days, high_days + 30))
            else:
                target = previous + timedelta(days=rng.randint(low_days, high_days + 30))
            target = max(target, previous)
            targets[stage] = target
            previous = target
        if passed == 0 and ending == "open" and rng.random() < 0.4:
            targets = dict.fromkeys(LIFECYCLE_STAGES)
        completion = (
            targets[Stage.DEPLOY_IMPROVE] + timedelta(days=rng.randint(0, 60))
            if targets[Stage.DEPLOY_IMPROVE]
            else None
        )

        current_target = targets.get(history.stage)
        stalled = (self.now - history.periods[-1][2]).days > self.stalled_days
        in_operation = history.in_operation_since is not None and history.stage == Stage.DEPLOY_IMPROVE
        pending = history.pending is not None
        if history.stage in (Stage.CANCELLED, Stage.RETIRED):
            rag, milestone = RagStatus.GREEN, ""
        elif history.stage == Stage.ON_HOLD:
            rag, milestone = RagStatus.AMBER, HOLD_MILESTONE
        elif in_operation:
            overdue = history.next_review_due < self.today
            rag = RagStatus.AMBER if overdue else RagStatus.GREEN
            milestone = f"Periodic review due {history.next_review_due:%d %b %Y}"
        else:
            number = LIFECYCLE_STAGES.index(history.stage) + 1
            late = current_target is not None and current_target < self.today
            if late and (self.today - current_target).days > 60:
                rag = RagStatus.RED
            elif late or stalled or rng.random() < 0.1:
                rag = RagStatus.AMBER
            else:
                rag = RagStatus.GREEN
            if pending:
                milestone = f"Gate {number} review ({STAGE_NAMES[history.stage]}) awaiting decision"
            elif current_target:
                milestone = f"Gate {number} review ({STAGE_NAMES[history.stage]}) by {current_target:%d %b %Y}"
            else:
                milestone = f"Gate {number} review ({STAGE_NAMES[history.stage]})"

        realised_hours, realised_saving = history.realised
        owner_post = rng.choice(OWNER_POSTS.get(unit.kind, OWNER_POSTS[OrgUnitKind.DEPARTMENT]))
        owner = f"{rng.choice(('Mr', 'Ms', 'Dr'))} {rng.choice(GIVEN_NAMES)} {rng.choice(SURNAMES)}, {owner_post}"
        cases = rng.choice((800, 2_000, 5_000, 12_000, 30_000, 80_000, 250_000))
        row = {
            "id": project_id,
            "stage": history.stage,
            "stage_entered_at": history.periods[-1][2],
            "held_from_stage": history.held_from_stage,
            "in_operation_since": history.in_operation_since,
            "days_to_operation": history.days_to_operation,
            "closure_reason": history.closure_reason,
            "code": code,
            "title_en": title_en,
            "title_zh_hant": title_zh,
            "bd_id": unit.pk,
            "business_owner": owner,
            "responsible_officer_id": self.responsible.id,
            "business_problem": (
                f"Staff handle {subject_en} largely by hand: about {cases:,} cases a year, "
                f"with an average turnaround of {rng.randint(3, 30)} working days and a growing backlog."
            ),
            "objectives": (
                f"Cut the turnaround for {subject_en} by {rng.randint(20, 60)}% and free staff time for casework, "
                "with officers checking every output that affects the public."
            ),
            "strategy": strategy,
            "category": category,
            "catalogue_solution_id": solution.pk if solution else None,
            "infrastructure": infrastructure,
            "data_sources": data_sources,
            "vendor_id": vendor.pk if vendor else None,
            "procurement_route": route,
            "uses_generative_ai": history.flags["uses_generative_ai"],
            "processes_personal_data": history.flags["processes_personal_data"],
            "is_public_facing": history.flags["is_public_facing"],
            "risk_tier": history.tier,
            "funding_source": funding,
            "budget_hkd": budget,
            "spend_to_date_hkd": spend,
            "start_date": start_date,
            "target_completion_date": completion,
            "success_criteria": (
                f"Average handling time from {rng.randint(15, 40)} to {rng.randint(5, 14)} minutes within six months "
                f"of launch; at least {rng.randint(75, 90)}% of users satisfied; at least {rng.randint(90, 98)}% "
                "accuracy on a monthly sample checked by staff."
            ),
            "expected_staff_hours_per_year": hours if has_expected else None,
            "expected_cost_saving_hkd_per_year": expected_saving if has_expected else None,
            "expected_service_improvement": SERVICE_IMPROVEMENTS[category] if has_expected else "",
            "realised_staff_hours_per_year": realised_hours,
            "realised_cost_saving_hkd_per_year": realised_saving,
            "realised_service_improvement": SERVICE_IMPROVEMENTS[category] if realised_hours else "",
            "rag_status": rag,
            "next_milestone": milestone,
            "checklist_template_version": self.template_version,
            "next_periodic_review_due": history.next_review_due,
            "created_by_id": self.project_officers[0].id,
            "created_at": created,
            "updated_at": history.last_at,
            **{f"target_{stage}_date": targets[stage] for stage in LIFECYCLE_STAGES},
        }
        self.rows.projects.append(_project_values(row))
        for officer in self.project_officers:
            self.rows.officers.append((self.ids.officer(), project_id, officer.id))


# ---------------------------------------------------------------------------------------------
# Loading: staff, vendors, project codes, and the chunked load itself
# ---------------------------------------------------------------------------------------------


def base_now() -> datetime:
    """Today at midnight (Hong Kong time), in UTC: every run on the same day gives the same data."""
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def _ensure_vendors() -> list[Vendor]:
    names = [name_en for name_en, _, _ in VENDORS]
    have = set(Vendor.objects.filter(name_en__in=names).values_list("name_en", flat=True))
    Vendor.objects.bulk_create(
        Vendor(
            name_en=name_en,
            name_zh_hant=name_zh,
            is_soa_qps_contractor=soa,
            business_registration_no=f"{31_000_000 + index * 104_729:08d}",
            website=f"https://{_slug(name_en.removesuffix(' Limited'))}.example.com",
        )
        for index, (name_en, name_zh, soa) in enumerate(VENDORS)
        if name_en not in have
    )
    by_name = {vendor.name_en: vendor for vendor in Vendor.objects.filter(name_en__in=names)}
    return [by_name[name] for name in names]


def _ensure_staff(units: dict, projects_per_unit: Counter, rng: random.Random, now) -> dict[int, _Staff]:
    """At least one project officer and one gate approver (more for bigger portfolios) in every
    B/D that gets projects. Existing users of the B/D count; the new ones cannot log in."""
    pools = {pk: _Staff([], []) for pk in projects_per_unit}
    for user in User.objects.filter(
        is_active=True, org_unit_id__in=list(pools), role__in=[Role.PROJECT_OFFICER, Role.GATE_APPROVER]
    ).order_by("id"):
        pool = pools[user.org_unit_id]
        (pool.officers if user.role == Role.PROJECT_OFFICER else pool.approvers).append(user)
    taken = set(User.objects.values_list("username", flat=True))
    today = timezone.localdate(now)
    new = []
    for pk in sorted(pools):
        count, pool, slug = projects_per_unit[pk], pools[pk], _slug(units[pk].code)
        wanted = (
            (Role.PROJECT_OFFICER, pool.officers, min(40, max(1, math.ceil(count / 25))), "officer", OFFICER_POSTS),
            (Role.GATE_APPROVER, pool.approvers, min(8, max(2 if count >= 10 else 1, math.ceil(count / 100))),
             "approver", APPROVER_POSTS),
        )  # fmt: skip
        for role, members, size, word, posts in wanted:
            number = 0
            while len(members) < size:
                number += 1
                username = f"{slug}.{word}{number:02d}"
                if username in taken:
                    continue
                taken.add(username)
                user = User(
                    username=username,
                    first_name=rng.choice(GIVEN_NAMES),
                    last_name=rng.choice(SURNAMES),
                    email=f"{username}@{EMAIL_DOMAIN}",
                    role=role,
                    org_unit_id=pk,
                    scope_level=ScopeLevel.OWN_UNIT,
                    post_title=rng.choice(posts),
                    ai_training_completed_on=(
                        today - timedelta(days=rng.randint(30, 1200)) if role == Role.GATE_APPROVER else None
                    ),
                    password=f"{UNUSABLE_PASSWORD_PREFIX}{rng.getrandbits(128):032x}",
                    date_joined=now - timedelta(days=MAX_HISTORY_DAYS + 30),
                )
                members.append(user)
                new.append(user)
    User.objects.bulk_create(new, batch_size=500)
    if any(user.pk is None for user in new):  # a database that cannot return the new keys
        keys = dict(User.objects.filter(username__in=[u.username for u in new]).values_list("username", "pk"))
        for user in new:
            user.pk = keys[user.username]
    return pools


class _Codes:
    """Project codes like ``adoption.services.next_project_code``: ``<B/D>-<year>-<nnnn>``, unique."""

    def __init__(self):
        self.last: Counter = Counter()
        for code in Project.objects.values_list("code", flat=True):
            prefix, _, number = code.rpartition("-")
            if number.isdigit():
                self.last[prefix] = max(self.last[prefix], int(number))

    def __call__(self, unit, year: int) -> str:
        prefix = f"{unit.code}-{year}"
        self.last[prefix] += 1
        return f"{prefix}-{self.last[prefix]:04d}"


@dataclass
class LoadResult:
    existing: int
    created: int
    seconds: dict[str, float]
    rows: dict[str, int]


def _unit_weight(unit) -> float:
    return UNIT_WEIGHTS.get(unit.code) or KIND_WEIGHTS.get(unit.kind, 1.0)


def _vacuum_analyze(db) -> None:
    """Give the planner statistics for the new rows and mark the pages all-visible, as autovacuum
    would a little later, so that the first queries already use index-only scans."""
    if not db.get_autocommit():  # inside a caller's transaction (tests): VACUUM cannot run there
        return
    with db.cursor() as cursor:
        for model in TABLE_ORDER:
            cursor.execute(f"VACUUM (ANALYZE) {db.ops.quote_name(model._meta.db_table)}")


def load_portfolio(*, projects: int, seed: int, now: datetime, stdout) -> LoadResult:
    """Bring the database to at least ``projects`` projects, each with its full history."""
    check_columns()
    started = time.perf_counter()
    existing = Project.objects.count()
    if existing >= projects:
        return LoadResult(existing=existing, created=0, seconds={}, rows={})
    to_make = projects - existing
    template = current_template()
    template_items = {stage: [] for stage in LIFECYCLE_STAGES}
    for item in template.items.order_by("order", "code"):
        template_items[item.stage].append(item)
    units = list(OrgUnit.objects.filter(is_active=True).order_by("code"))
    if not units:
        raise DemoError("There are no B/Ds: run `manage.py seed_reference_data` first.")
    catalogue = defaultdict(list)
    for solution in CatalogueSolution.objects.filter(is_active=True).order_by("code"):
        catalogue[solution.category].append(solution)

    rng = _Random(seed)
    chosen = rng.choices(units, weights=[_unit_weight(unit) for unit in units], k=to_make)
    seconds: Counter = Counter()
    db = connections[DEFAULT_DB_ALIAS]
    inserter = _Inserter(db)
    # Millions of small objects and no reference cycles: the cyclic collector would only rescan them.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic():
            for setting in inserter.prepare_session():
                stdout.write(f"  PostgreSQL: {setting}")
            vendors = _ensure_vendors()
            staff = _ensure_staff(
                {unit.pk: unit for unit in units},
                Counter(unit.pk for unit in chosen),
                _Random(f"{seed}:staff"),
                now,
            )
            generator = _Generator(rng, now, _Ids(), template, template_items, staff, vendors, catalogue)
            codes = _Codes()
            seconds["users, vendors and reference data"] = time.perf_counter() - started
            writer = _BackgroundWriter(inserter) if inserter.postgres else None
            try:
                for offset in range(0, to_make, CHUNK_SIZE):
                    step = time.perf_counter()
                    generator.rows = _Rows()
                    for unit in chosen[offset : offset + CHUNK_SIZE]:
                        generator.build(unit, codes)
                    seconds["generating rows (Python)"] += time.perf_counter() - step
                    if writer:
                        step = time.perf_counter()
                        inserter.prepare(generator.rows)
                        seconds["encoding JSON for COPY"] += time.perf_counter() - step
                        writer.put(generator.rows)
                    else:
                        inserter.insert_all(generator.rows)
                    done = min(offset + CHUNK_SIZE, to_make)
                    stdout.write(
                        f"  {done:>9,} / {to_make:,} projects generated  ({time.perf_counter() - started:6.1f} s)"
                    )
            finally:
                if writer:
                    writer.close()
            if writer:
                seconds["waiting for the writer thread"] = writer.waited
            inserter.reset_sequences()
            commit_started = time.perf_counter()
        seconds["commit"] = time.perf_counter() - commit_started
    finally:
        if gc_was_enabled:
            gc.enable()
    if inserter.postgres:
        step = time.perf_counter()
        _vacuum_analyze(db)
        seconds["VACUUM ANALYZE"] = time.perf_counter() - step
    for model in TABLE_ORDER:
        seconds[f"inserting {model._meta.db_table}"] = inserter.seconds[model]
    seconds["total"] = time.perf_counter() - started
    rows = {model._meta.db_table: inserter.rows[model] for model in TABLE_ORDER}
    return LoadResult(existing=existing, created=to_make, seconds=dict(seconds), rows=rows)
