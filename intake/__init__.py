"""Reading files, OCR, classification and field extraction of 业扩 documents."""

from intake._dates import LONG_TERM, ValidityPeriod, parse_chinese_date, parse_validity_period
from intake._identifiers import (
    CREDIT_CODE_ALPHABET,
    IdentifierRepair,
    RepairStatus,
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
from intake._sniff import (
    ACCEPTED_DESCRIPTION,
    ACCEPTED_TYPES,
    SNIFF_BYTES,
    MediaType,
    describe_unaccepted,
    sniff_media_type,
)

__all__ = [
    "ACCEPTED_DESCRIPTION",
    "ACCEPTED_TYPES",
    "CREDIT_CODE_ALPHABET",
    "LONG_TERM",
    "SNIFF_BYTES",
    "IdentifierRepair",
    "MediaType",
    "RepairStatus",
    "ValidityPeriod",
    "address_similarity",
    "citizen_id_birth_date",
    "citizen_id_check_char",
    "citizen_id_gender",
    "credit_code_check_char",
    "describe_unaccepted",
    "is_citizen_id_format",
    "is_credit_code_format",
    "is_valid_citizen_id",
    "is_valid_credit_code",
    "normalize_address",
    "normalize_identifier",
    "normalize_name",
    "normalize_text",
    "parse_chinese_date",
    "parse_validity_period",
    "repair_citizen_id",
    "repair_credit_code",
    "sniff_media_type",
]
