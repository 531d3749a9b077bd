"""Choices of the project register, each declared once with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrgUnitKind(models.TextChoices):
    BUREAU = "bureau", _("Bureau")
    DEPARTMENT = "department", _("Department")
    OFFICE = "office", _("Office")


class Role(models.TextChoices):
    PROJECT_OFFICER = "project_officer", _("Project officer")
    GATE_APPROVER = "gate_approver", _("Gate approver")
    MANAGEMENT = "management", _("Management")
    DPO_OFFICER = "dpo_officer", _("DPO officer")


class ScopeLevel(models.TextChoices):
    OWN_UNIT = "own_unit", _("Own B/D")
    UNIT_TREE = "unit_tree", _("Bureau and its departments")
    ALL = "all", _("All B/Ds")


class AdoptionStrategy(models.TextChoices):
    OFF_THE_SHELF = "off_the_shelf", _("Adopt an off-the-shelf AI solution")
    BESPOKE = "bespoke", _("Develop a bespoke AI application")
    HYBRID = "hybrid", _("Hybrid (off-the-shelf with bespoke parts)")


class SolutionCategory(models.TextChoices):
    DOCUMENT_PROCESSING = "document_processing", _("Document processing and OCR")
    CHATBOT = "chatbot", _("Chatbot and conversational assistant")
    KNOWLEDGE_MANAGEMENT = "knowledge_management", _("Knowledge management")
    CONTENT_GENERATION = "content_generation", _("Drafting and content generation")
    SPEECH_TRANSLATION = "speech_translation", _("Speech, transcription and translation")
    MEETING_TOOLS = "meeting_tools", _("Meeting tools")
    IMAGE_ANALYTICS = "image_analytics", _("Image and video analytics, anomaly detection")
    ROBOTICS_INSPECTION = "robotics_inspection", _("AI robots for inspection and dangerous operations")
    PREDICTIVE_ANALYTICS = "predictive_analytics", _("Predictive analytics and decision support")
    DIGITAL_HUMAN = "digital_human", _("Digital human")
    OTHER = "other", pgettext_lazy("solution category", "Other")


class RiskTier(models.TextChoices):
    UNSCREENED = "unscreened", _("Not yet screened")
    LOW = "low", pgettext_lazy("risk tier", "Low")
    LIMITED = "limited", pgettext_lazy("risk tier", "Limited")
    HIGH = "high", pgettext_lazy("risk tier", "High")
    PROHIBITED = "prohibited", pgettext_lazy("risk tier", "Prohibited")


class Infrastructure(models.TextChoices):
    GCIP = "gcip", _("Government Cloud Infrastructure Platform (GCIP)")
    CDEG = "cdeg", _("Consented Data Exchange Gateway (CDEG)")
    BDAP = "bdap", _("Big Data Analytics Platform")
    CHATBOT_AAS = "chatbot_aas", _("Chatbot-as-a-Service")
    CV_HUB = "cv_hub", _("AI Computer Vision Hub")
    DEPARTMENTAL = "departmental", _("Departmental data centre")
    VENDOR_HOSTED = "vendor_hosted", _("Vendor-hosted service")
    PUBLIC_CLOUD = "public_cloud", _("Public cloud")


class DataSource(models.TextChoices):
    OPEN_DATA = "open_data", _("Open data portal (DATA.GOV.HK)")
    DEPARTMENTAL_CATALOGUE = "departmental_catalogue", _("Departmental data catalogue")
    OTHER_BD_VIA_CDEG = "other_bd_via_cdeg", _("Other B/Ds' data through CDEG")
    INTERNAL_RECORDS = "internal_records", _("Internal records and case files")
    PUBLIC_SUBMISSIONS = "public_submissions", _("Submissions from the public")
    SENSORS_IMAGERY = "sensors_imagery", _("Sensors, cameras and imagery")
    THIRD_PARTY = "third_party", _("Third-party data")


class ProcurementRoute(models.TextChoices):
    SOA_QPS = "soa_qps", _("SOA-QPS (Standing Offer Agreement for Quality Professional Services)")
    OPEN_TENDER = "open_tender", _("Open tender")
    QUOTATION = "quotation", _("Quotation")
    CATALOGUE = "catalogue", _("AI+ tool and solution catalogue")
    HKGAI = "hkgai", _("HKGAI tools")
    CENTRAL_PLATFORM = "central_platform", _("DPO central platform")
    IN_HOUSE = "in_house", _("In-house development")
    OTHER = "other", pgettext_lazy("procurement route", "Other")


class FundingSource(models.TextChoices):
    DEPARTMENTAL = "departmental", _("Departmental funds")
    CACP = "cacp", _("Block allocation for administrative computer projects (CACP)")
    FINANCE_COMMITTEE = "finance_committee", _("Finance Committee approval (over HK$20 million)")
    CENTRAL = "central", _("Central funding (DPO)")


class RagStatus(models.TextChoices):
    GREEN = "green", _("On track")
    AMBER = "amber", _("At risk")
    RED = "red", _("Delayed")


class SolutionProvider(models.TextChoices):
    HKGAI = "hkgai", _("Hong Kong Generative AI Research and Development Centre (HKGAI)")
    AI_PLUS_CATALOGUE = "ai_plus_catalogue", _("AI+ tool and solution catalogue")
    DPO_PLATFORM = "dpo_platform", _("DPO central platform")
