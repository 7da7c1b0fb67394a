"""Keep client identifiers out of a caseload.

A caseload describes complaints and how often they come in, never who brings them. These
checks refuse field names and values that look like a client identifier (a name, a birth
date or other full date, a phone number, an e-mail address, a record or ID number), with a
message that names the field, so nothing identifying is processed or stored.
"""

from __future__ import annotations

import re

# Field names that would carry an identifier, compared after folding case and separators.
_IDENTIFIER_FIELDS: dict[str, str] = {
    "name": "a name",
    "firstname": "a name",
    "lastname": "a name",
    "fullname": "a name",
    "surname": "a name",
    "clientname": "a name",
    "patientname": "a name",
    "client": "a client identity",
    "patient": "a client identity",
    "clientid": "a record number",
    "patientid": "a record number",
    "id": "a record number",
    "mrn": "a record number",
    "recordnumber": "a record number",
    "record": "a record number",
    "chart": "a record number",
    "chartnumber": "a record number",
    "ssn": "a record number",
    "dob": "a birth date",
    "birthdate": "a birth date",
    "dateofbirth": "a birth date",
    "birthday": "a birth date",
    "born": "a birth date",
    "age": "an age",
    "phone": "a phone number",
    "phonenumber": "a phone number",
    "telephone": "a phone number",
    "mobile": "a phone number",
    "cell": "a phone number",
    "email": "an e-mail address",
    "emailaddress": "an e-mail address",
    "mail": "an e-mail address",
    "address": "an address",
    "streetaddress": "an address",
    "initials": "a name",
}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")
_MONTHS = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|"
    r"sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)"
)
_FULL_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"  # 03/14/1985, 14.3.85
    r"|\b\d{4}[/.-]\d{1,2}[/.-]\d{1,2}\b"  # 1985-03-14
    rf"|\b{_MONTHS}\.?\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}\b"  # March 14, 1985
    rf"|\b\d{{1,2}}(st|nd|rd|th)?\s+(of\s+)?{_MONTHS}\.?,?\s+\d{{4}}\b",  # 14 March 1985
    re.IGNORECASE,
)
_BIRTH = re.compile(r"\b(d\.?o\.?b\.?|date of birth|birth ?date|born (on|in))\b", re.IGNORECASE)
_RECORD = re.compile(
    r"\b(mrn|ssn|record|chart|file|patient|client|member|account|case)\s*"
    r"(no\.?|number|num|id|#)?\s*[:#]?\s*[a-z]{0,3}\d{3,}\b"
    r"|#\s*\d{3,}\b"
    r"|\b\d{3}-\d{2}-\d{4}\b"
    r"|(?<![\d.])\d{6,}(?![\d.])",
    re.IGNORECASE,
)
_HONORIFIC_NAME = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Dr|MR|MRS)\.?\s+[A-Z][a-z]+")
_NAMED = re.compile(
    r"\b(named|called|name is|name's|name:|client:|patient:)\s*[A-Z][a-z]+"
    r"|\b(my|a|the)\s+(client|patient)\s+[A-Z][a-z]+"
)
# Common given names, matched only when capitalised. Names that are also everyday words
# (Grace, Will, May, Mark, Bill, Pat, Sue, Art, Faith, Hope) are left out on purpose.
_NAMES = """
    aaron adam alan albert alex alexander alice alicia amanda amber amy andrea andrew angela
    anna anne anthony ashley barbara benjamin betty beverly brandon brenda brian brittany
    carl carol caroline catherine charles charlotte cheryl chris christina christine
    christopher cynthia daniel david deborah debra denise dennis diana diane donald donna
    doris dorothy douglas dylan edward elizabeth emily emma eric ethan evelyn frances
    frank gary george gloria gregory hannah harold heather helen henry isabella jack jacob
    james janet janice jason jean jeffrey jennifer jeremy jerry jessica joan john johnny
    jonathan jose joseph joshua joyce juan judith judy julia julie justin karen katherine
    kathleen kathryn kelly kenneth kevin kimberly kyle larry laura lauren linda lisa lori
    louis madison margaret maria marie marilyn martha mary matthew megan melissa michael
    michelle nancy nathan nicholas nicole noah olivia pamela patricia patrick paul peter
    philip rachel raymond rebecca richard robert roger ronald rose russell ruth ryan samantha
    samuel sandra sara sarah scott sean sharon shirley sophia stephanie stephen steven susan
    teresa terry thomas timothy tyler victoria vincent virginia walter wayne william zachary
"""
_GIVEN_NAMES = frozenset(_NAMES.split())
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")


def identifier_field(name: str) -> str | None:
    """What kind of identifier a field called ``name`` would hold, or ``None``."""
    key = re.sub(r"[^a-z]", "", name.lower())
    return _IDENTIFIER_FIELDS.get(key)


def identifier_in_text(text: str) -> str | None:
    """What kind of client identifier ``text`` seems to contain, or ``None``."""
    if _EMAIL.search(text):
        return "an e-mail address"
    if _BIRTH.search(text) or _FULL_DATE.search(text):
        return "a birth date or other full date"
    if _PHONE.search(text):
        return "a phone number"
    if _RECORD.search(text):
        return "a record or ID number"
    if _HONORIFIC_NAME.search(text) or _NAMED.search(text):
        return "a person's name"
    if any(word.lower() in _GIVEN_NAMES for word in _CAPITALISED.findall(text)):
        return "a person's name"
    return None


def identifier_message(field: str, what: str) -> str:
    """The one wording used by the library, the CLI and the API."""
    return (
        f"{field} looks like it holds {what}; CE Atlas takes no client identifiers "
        "(no names, birth dates, phone numbers, e-mail addresses or record numbers): "
        "describe the complaint only"
    )
