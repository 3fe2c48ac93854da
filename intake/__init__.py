"""Reading files, OCR, classification and field extraction of 业扩 documents."""

from intake._analyse import Analysis, analyse, understand
from intake._classify import classify
from intake._cover import CoverSheet, cover_payload, read_cover
from intake._dates import LONG_TERM, ValidityPeriod, parse_chinese_date, parse_validity_period
from intake._engines import open_ocr_engine
from intake._errors import (
    CorruptFileError,
    EncryptedPdfError,
    IntakeError,
    OcrEngineError,
    TooLargeError,
    UnreadableFileError,
)
from intake._extract import expected_fields, extract_fields
from intake._identifiers import (
    CREDIT_CODE_ALPHABET,
    IdentifierRepair,
    citizen_id_birth_date,
    citizen_id_check_char,
    citizen_id_gender,
    credit_code_check_char,
    is_citizen_id_format,
    is_credit_code_format,
    is_valid_citizen_id,
    is_valid_credit_code,
    repair_citizen_id,
    repair_credit_code,
)
from intake._normalize import (
    address_similarity,
    normalize_address,
    normalize_identifier,
    normalize_name,
    normalize_text,
)
from intake._ocr import OcrEngine, OcrLine, OcrPage
from intake._prepare import OrientationDetector, Preparation, prepare
from intake._reading import (
    TEXT_LAYER,
    ReadLimits,
    read_document,
)
from intake._recognise import PREPARATIONS, recognise
from intake._sniff import (
    ACCEPTED_DESCRIPTION,
    SNIFF_BYTES,
    MediaType,
    describe_unaccepted,
    sniff_media_type,
)
from intake._split import CoverMark, Part, split_pages
from intake._stack import (
    COVER_SOURCE,
    CoverReader,
    PartAnalysis,
    StackAnalysis,
    analyse_stack,
    understand_stack,
)
from intake._validity import FieldFinding, validity_findings

__all__ = [
    "ACCEPTED_DESCRIPTION",
    "COVER_SOURCE",
    "CREDIT_CODE_ALPHABET",
    "LONG_TERM",
    "PREPARATIONS",
    "SNIFF_BYTES",
    "TEXT_LAYER",
    "Analysis",
    "CorruptFileError",
    "CoverMark",
    "CoverReader",
    "CoverSheet",
    "EncryptedPdfError",
    "FieldFinding",
    "IdentifierRepair",
    "IntakeError",
    "MediaType",
    "OcrEngine",
    "OcrEngineError",
    "OcrLine",
    "OcrPage",
    "OrientationDetector",
    "Part",
    "PartAnalysis",
    "Preparation",
    "ReadLimits",
    "StackAnalysis",
    "TooLargeError",
    "UnreadableFileError",
    "ValidityPeriod",
    "address_similarity",
    "analyse",
    "analyse_stack",
    "citizen_id_birth_date",
    "citizen_id_check_char",
    "citizen_id_gender",
    "classify",
    "cover_payload",
    "credit_code_check_char",
    "describe_unaccepted",
    "expected_fields",
    "extract_fields",
    "is_citizen_id_format",
    "is_credit_code_format",
    "is_valid_citizen_id",
    "is_valid_credit_code",
    "normalize_address",
    "normalize_identifier",
    "normalize_name",
    "normalize_text",
    "open_ocr_engine",
    "parse_chinese_date",
    "parse_validity_period",
    "prepare",
    "read_cover",
    "read_document",
    "recognise",
    "repair_citizen_id",
    "repair_credit_code",
    "sniff_media_type",
    "split_pages",
    "understand",
    "understand_stack",
    "validity_findings",
]
